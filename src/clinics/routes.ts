import { Router } from 'express';
import { z } from 'zod';
import { requireClinicMember, requireOwner } from '../accounts/middleware.js';
import type { AppContext } from '../context.js';
import { feedAdminRoutes } from '../diary/feed-routes.js';
import { diaryRoutes } from '../diary/routes.js';
import { diarySetupRoutes } from '../diary/setup-routes.js';
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
  return router;
}
