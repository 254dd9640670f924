import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requireClinicMember, requireOwner } from '../http/auth.js';
import { inviteStaff, listInvitations, revokeInvitation } from '../accounts/invitations.js';
import { changeRole, emailSchema, listStaff, removeMember, roleSchema, staffNameSchema } from '../accounts/staff.js';
import type { AppContext } from '../main/context.js';
import { feedAdminRoutes } from './calendar-feeds.js';
import { diaryRoutes } from './diary.js';
import { diarySetupRoutes } from './diary-setup.js';
import { receptionRoutes } from './reception.js';
import { simulatorRoutes } from './simulator.js';
import { privacyRoutes } from './privacy.js';
import { recordingRoutes } from './recordings.js';
import { statisticsRoutes } from './statistics.js';
import { callLogRoutes } from './call-log.js';
import { reportLimiter } from '../http/report-limit.js';
import { getClinic, updateClinicSettings } from '../clinics/clinics.js';
import { clinicSetup } from '../clinics/setup-checklist.js';
import { clinicNameSchema, localeSchema, timeZoneSchema } from '../core/validation.js';
import { normalisePhone } from '../diary/patients.js';
import { NotFound, InvalidInput } from '../core/errors.js';
import { body, ids, labelOf } from '../http/input.js';
import { SETTING_LABELS } from '../clinics/setting-labels.js';
import { wire } from '../http/wire.js';
import type {
  ClinicDetail,
  ClinicSettings,
  InvitationList,
  NewInvitation,
  SetupChecklist,
  StaffList,
} from '../contracts/api.js';
import { emergencyAdvice } from '../telephony/steering.js';
import { DEFAULT_URGENT_PHRASES } from '../understanding/urgent.js';

const days = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of days' })
    .int('must be whole days')
    .min(min, `must be at least ${min} days`)
    .max(max, `must be at most ${max} days`);

const phoneText = z.string({ error: 'must be a phone number' }).trim().max(40, 'must be at most 40 characters');

/** Each phone-number setting given, in E.164, read as written in the clinic's country; a 400 naming one that is not a number. */
function numbersInE164<T extends { fallbackNumber?: string | null; receptionNumber?: string | null }>(
  changes: T,
  locale: string,
): T {
  const out = { ...changes };
  for (const field of ['fallbackNumber', 'receptionNumber'] as const) {
    const text = changes[field];
    if (!text) continue;
    const e164 = normalisePhone(text, locale);
    if (!e164) {
      const [national, international] =
        locale === 'en-US' ? ['(201) 555-0123', '+1 201 555 0123'] : ['07700 900123', '+44 7700 900123'];
      throw new InvalidInput(
        `${labelOf(SETTING_LABELS, [field], changes)}: must be a phone number, as you would dial it (${national}) or in international form (${international})`,
        field,
      );
    }
    out[field] = e164;
  }
  return out;
}

const settingsSchema = z
  .strictObject({
    name: clinicNameSchema,
    timeZone: timeZoneSchema,
    locale: localeSchema,
    // Numbers as people write them ("07700 900123", "+44 7700 900123"): read in the clinic's country below.
    fallbackNumber: phoneText.nullable(),
    emergencyMessage: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    greeting: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    receptionNumber: phoneText.nullable(),
    recordCalls: z.boolean({ error: 'must be true or false' }),
    recordingNotice: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    // One phrase a line; null puts back the defaults.
    urgentPhrases: z
      .string()
      .max(10_000, 'must be at most 10,000 characters')
      .transform((s) =>
        s
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .join('\n'),
      )
      .refine((s) => s.split('\n').every((l) => l.length <= 100), 'each phrase must be at most 100 characters')
      // The line hears English words: a phrase of digits or another script would never match.
      .refine((s) => s.split('\n').every((l) => /[a-z]/i.test(l)), 'each phrase needs at least one English word')
      .refine((s) => s.length > 0, 'needs at least one phrase, or null for the defaults')
      .nullable(),
    emergencyAdvice: z
      .string()
      .trim()
      .min(1, 'must not be empty (null puts back the default)')
      .max(600, 'must be at most 600 characters')
      .nullable(),
    /** The owner has read the urgent phrases and the advice and approves them. */
    emergencyAdviceApproved: z.literal(true, { error: 'must be true' }),
    maxQueueWaitSeconds: z
      .number({ error: 'must be a number of seconds' })
      .int('must be whole seconds')
      .min(30, 'must be at least 30 seconds')
      .max(1800, 'must be at most 30 minutes'),
    maxQueueSize: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100'),
    // NHS ODS codes of GP practices: a letter and five digits (A81001), written any case.
    odsCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]\d{5}$/, "must be the practice's ODS code: a letter and five digits, like A81001")
      .nullable(),
    queueCallBackAfterSeconds: z
      .number({ error: 'must be a number of seconds, or null to not offer call-backs' })
      .int('must be whole seconds')
      .min(0, 'must be at least 0 seconds')
      .max(1800, 'must be at most 30 minutes')
      .nullable(),
    callBackAttempts: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(5, 'must be at most 5'),
    callBackRetryMinutes: z
      .number({ error: 'must be a number of minutes' })
      .int('must be whole minutes')
      .min(1, 'must be at least 1 minute')
      .max(60, 'must be at most 60 minutes'),
    callBackWindows: z.boolean({ error: 'must be true or false' }),
    textMessages: z.boolean({ error: 'must be true or false' }),
    recordingRetentionDays: days(1, 730),
    voicemailRetentionDays: days(1, 730),
    callLogRetentionDays: days(30, 3650),
    auditRetentionDays: days(365, 3650),
    receptionistsHearRecordings: z.boolean({ error: 'must be true or false' }),
    transcribeVoicemails: z.boolean({ error: 'must be true or false' }),
  })
  .partial();

/** Everything under /api/clinics/:clinicId, scoped to members of that clinic. */
export function clinicRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  router.use(requireClinicMember(ctx));

  router.get('/', async (req, res) => {
    const clinic = await getClinic(ctx.db.prisma, req.membership!.clinicId);
    if (!clinic) throw new NotFound('No such clinic');
    ctx.fallbackDirectory.remember(clinic);
    res.json(
      wire({
        ...clinic,
        role: req.membership!.role,
        simulator: Boolean(ctx.simulator?.ready),
        emergencyDefaults: {
          urgentPhrases: DEFAULT_URGENT_PHRASES.join('\n'),
          advice: emergencyAdvice({ locale: clinic.locale }),
        },
      }) satisfies ClinicDetail,
    );
  });

  router.patch('/', requireOwner, async (req, res) => {
    const given = body(req, settingsSchema, SETTING_LABELS);
    if (Object.keys(given).length === 0) throw new InvalidInput('Send at least one setting to change');
    // Numbers are read in the clinic's country: its locale is looked up only when one is sent.
    const numbersSent = Boolean(given.fallbackNumber || given.receptionNumber);
    const locale = !numbersSent
      ? null
      : (given.locale ??
        (
          await ctx.db.prisma.clinic.findUniqueOrThrow({
            where: { id: req.membership!.clinicId },
            select: { locale: true },
          })
        ).locale);
    const changes = locale ? numbersInE164(given, locale) : given;
    if (changes.textMessages && !ctx.twilio) {
      throw new InvalidInput(
        'Send text messages: texts need Twilio; set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or an API key) on the server first',
        'textMessages',
      );
    }
    const clinic = await updateClinicSettings(
      ctx.db.prisma,
      req.membership!.clinicId,
      changes,
      actorOf(req),
      ctx.clock(),
    );
    ctx.fallbackDirectory.remember(clinic);
    res.json(wire({ ...clinic, role: req.membership!.role }) satisfies ClinicSettings);
  });

  // What is left to set up before callers are served (src/clinics/setup-checklist.ts).
  router.get('/setup', requireOwner, async (req, res) => {
    const webhook = `${ctx.config.publicBaseUrl}/twilio/voice`;
    res.json((await clinicSetup(ctx.db.prisma, req.membership!.clinicId, webhook)) satisfies SetupChecklist);
  });

  router.get('/staff', requireOwner, async (req, res) => {
    res.json(wire({ staff: await listStaff(ctx.db.prisma, req.membership!.clinicId) }) satisfies StaffList);
  });

  // Invitations: nobody joins until they accept (src/accounts/invitations.ts). The link is emailed to the
  // invitee when the service sends email, else it is the owner's to pass on.
  router.get('/invitations', requireOwner, async (req, res) => {
    res.json(
      wire({
        invitations: await listInvitations(ctx.db.prisma, req.membership!.clinicId, ctx.clock()),
        byEmail: ctx.mailer !== null,
      }) satisfies InvitationList,
    );
  });
  router.post('/invitations', requireOwner, async (req, res) => {
    const { email, role, name } = body(
      req,
      z.strictObject({ email: emailSchema, role: roleSchema, name: staffNameSchema.optional() }),
    );
    const invited = await inviteStaff(
      ctx.db.prisma,
      {
        clinicId: req.membership!.clinicId,
        email,
        name,
        role,
        baseUrl: ctx.config.publicBaseUrl,
        now: ctx.clock(),
        byEmail: ctx.mailer !== null,
      },
      actorOf(req),
    );
    res.status(201).json(wire(invited) satisfies NewInvitation);
  });
  router.delete('/invitations/:invitationId', requireOwner, async (req, res) => {
    const { invitationId } = ids(req, { invitationId: 'invitation' });
    await revokeInvitation(ctx.db.prisma, req.membership!.clinicId, invitationId, actorOf(req), ctx.clock());
    res.status(204).end();
  });

  router.patch('/staff/:userId', requireOwner, async (req, res) => {
    const { userId } = ids(req, { userId: 'member of staff' });
    const { role } = body(req, z.strictObject({ role: roleSchema }));
    await changeRole(ctx.db.prisma, { clinicId: req.membership!.clinicId, userId, role }, actorOf(req));
    res.json({ id: userId, role });
  });
  router.delete('/staff/:userId', requireOwner, async (req, res) => {
    const { userId } = ids(req, { userId: 'member of staff' });
    await removeMember(ctx, { clinicId: req.membership!.clinicId, userId }, actorOf(req));
    res.status(204).end();
  });

  router.use(diarySetupRoutes(ctx));
  router.use(diaryRoutes(ctx));
  router.use(feedAdminRoutes(ctx));
  // Reports and exports share one limiter: a person's are counted together.
  const report = reportLimiter(ctx);
  router.use(callLogRoutes(ctx, report));
  router.use(receptionRoutes(ctx));
  router.use(statisticsRoutes(ctx, report));
  router.use(recordingRoutes(ctx));
  router.use(privacyRoutes(ctx, report));
  router.use(simulatorRoutes(ctx));
  return router;
}
