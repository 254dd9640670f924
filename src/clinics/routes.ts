import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requireClinicMember, requireOwner } from '../accounts/middleware.js';
import { addStaff, changeRole, createPasswordLink, emailSchema, removeMember, roleSchema } from '../accounts/staff.js';
import type { AppContext } from '../context.js';
import { feedAdminRoutes } from '../diary/feed-routes.js';
import { diaryRoutes } from '../diary/routes.js';
import { diarySetupRoutes } from '../diary/setup-routes.js';
import { receptionRoutes } from '../reception/routes.js';
import { simulatorRoutes } from '../simulator/routes.js';
import { privacyRoutes } from '../privacy/routes.js';
import { recordingRoutes } from '../recordings/routes.js';
import { statisticsRoutes } from '../statistics/routes.js';
import { callLogRoutes } from '../telephony/call-log-routes.js';
import { HttpError, notFound, parseInput } from '../http/errors.js';
import { getClinic, updateClinicSettings } from './clinics.js';
import { clinicNameSchema, e164Schema, localeSchema, timeZoneSchema } from './validation.js';

const days = (min: number, max: number) => z.number({ error: 'must be a number of days' }).int('must be whole days').min(min, `must be at least ${min} days`).max(max, `must be at most ${max} days`);

const settingsSchema = z
  .strictObject({
    name: clinicNameSchema,
    timeZone: timeZoneSchema,
    locale: localeSchema,
    fallbackNumber: e164Schema.nullable(),
    emergencyMessage: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    greeting: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    receptionNumber: e164Schema.nullable(),
    recordCalls: z.boolean({ error: 'must be true or false' }),
    recordingNotice: z.string().trim().min(1).max(300, 'must be at most 300 characters').nullable(),
    maxQueueWaitSeconds: z.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(30, 'must be at least 30 seconds').max(1800, 'must be at most 30 minutes'),
    maxQueueSize: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
    textMessages: z.boolean({ error: 'must be true or false' }),
    recordingRetentionDays: days(1, 730),
    voicemailRetentionDays: days(1, 730),
    callLogRetentionDays: days(30, 3650),
    auditRetentionDays: days(365, 3650),
    receptionistsHearRecordings: z.boolean({ error: 'must be true or false' }),
  })
  .partial();

/** Everything under /api/clinics/:clinicId, scoped to members of that clinic. */
export function clinicRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  router.use(requireClinicMember(ctx));

  router.get('/', async (req, res) => {
    const clinic = await getClinic(ctx.db.prisma, req.membership!.clinicId);
    if (!clinic) throw notFound('No such clinic');
    ctx.fallbackDirectory.remember(clinic);
    res.json({ ...clinic, role: req.membership!.role, simulator: Boolean(ctx.simulator?.ready) });
  });

  router.patch('/', requireOwner, async (req, res) => {
    const changes = parseInput(settingsSchema, req.body);
    if (Object.keys(changes).length === 0) throw new HttpError(400, 'invalid_input', 'Send at least one setting to change');
    if (changes.textMessages && !ctx.twilio) {
      throw new HttpError(400, 'invalid_input', 'textMessages: texts need Twilio; set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or an API key) on the server first', 'textMessages');
    }
    const clinic = await updateClinicSettings(ctx.db.prisma, req.membership!.clinicId, changes, actorOf(req));
    ctx.fallbackDirectory.remember(clinic);
    res.json({ ...clinic, role: req.membership!.role });
  });

  router.get('/staff', requireOwner, async (req, res) => {
    const members = await ctx.db.prisma.membership.findMany({
      where: { clinicId: req.membership!.clinicId },
      select: { role: true, createdAt: true, user: { select: { id: true, email: true } } },
      orderBy: { user: { email: 'asc' } },
    });
    res.json({ staff: members.map((m) => ({ ...m.user, role: m.role, since: m.createdAt })) });
  });

  // Invite: a new person gets a one-time link to set their password, for the owner to pass on.
  router.post('/staff', requireOwner, async (req, res) => {
    const { email, role } = parseInput(z.strictObject({ email: emailSchema, role: roleSchema }), req.body);
    const clinicId = req.membership!.clinicId;
    const { userId } = await addStaff(ctx.db.prisma, { clinicId, email, role }, actorOf(req));
    const user = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
    const setPasswordLink = user.passwordHash ? null : await createPasswordLink(ctx.db.prisma, userId, ctx.config.publicBaseUrl, ctx.clock());
    res.status(201).json({ id: userId, email, role, setPasswordLink });
  });
  router.patch('/staff/:userId', requireOwner, async (req, res) => {
    const { userId } = parseInput(z.object({ userId: z.uuid({ error: 'must be an id' }) }), req.params);
    const { role } = parseInput(z.strictObject({ role: roleSchema }), req.body);
    await changeRole(ctx.db.prisma, { clinicId: req.membership!.clinicId, userId, role }, actorOf(req));
    res.json({ id: userId, role });
  });
  // Removal ends the person's sessions and takes their sockets away at once, on every instance.
  router.delete('/staff/:userId', requireOwner, async (req, res) => {
    const { userId } = parseInput(z.object({ userId: z.uuid({ error: 'must be an id' }) }), req.params);
    await removeMember(ctx.db.prisma, { clinicId: req.membership!.clinicId, userId }, actorOf(req));
    ctx.live?.removedFromClinic(userId, req.membership!.clinicId);
    ctx.live?.userSignedOut(userId);
    res.status(204).end();
  });

  router.use(diarySetupRoutes(ctx));
  router.use(diaryRoutes(ctx));
  router.use(feedAdminRoutes(ctx));
  router.use(callLogRoutes(ctx));
  router.use(receptionRoutes(ctx));
  router.use(statisticsRoutes(ctx));
  router.use(recordingRoutes(ctx));
  router.use(privacyRoutes(ctx));
  router.use(simulatorRoutes(ctx));
  return router;
}
