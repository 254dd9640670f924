import { Router } from 'express';
import { z } from 'zod';
import { requireClinicMember, requireOwner } from '../accounts/middleware.js';
import type { AppContext } from '../context.js';
import { feedAdminRoutes } from '../diary/feed-routes.js';
import { diaryRoutes } from '../diary/routes.js';
import { diarySetupRoutes } from '../diary/setup-routes.js';
import { receptionRoutes } from '../reception/routes.js';
import { callLogRoutes } from '../telephony/call-log-routes.js';
import { HttpError, notFound, parseInput } from '../http/errors.js';
import { getClinic, updateClinicSettings } from './clinics.js';
import { clinicNameSchema, e164Schema, localeSchema, timeZoneSchema } from './validation.js';

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
    res.json({ ...clinic, role: req.membership!.role });
  });

  router.patch('/', requireOwner, async (req, res) => {
    const changes = parseInput(settingsSchema, req.body);
    if (Object.keys(changes).length === 0) throw new HttpError(400, 'invalid_input', 'Send at least one setting to change');
    if (changes.textMessages && !ctx.twilio) {
      throw new HttpError(400, 'invalid_input', 'textMessages: texts need Twilio; set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or an API key) on the server first', 'textMessages');
    }
    const clinic = await updateClinicSettings(ctx.db.prisma, req.membership!.clinicId, changes, { type: 'user', userId: req.session!.user.id });
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

  router.use(diarySetupRoutes(ctx));
  router.use(diaryRoutes(ctx));
  router.use(feedAdminRoutes(ctx));
  router.use(callLogRoutes(ctx));
  router.use(receptionRoutes(ctx));
  return router;
}
