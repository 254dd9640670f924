// A clinic's diary set-up: practitioners, appointment types, hours, closures,
// booking rules. Members read; only owners change, and every change is audited.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import { recordAudit } from '../core/audit.js';
import type { AppContext } from '../main/context.js';
import { HttpError, notFound, parseInput } from '../http/errors.js';
import { formatClock } from '../diary/local-time.js';
import { instantSchema, uuid, weeklyHoursSchema } from '../diary/validation.js';

const practitionerSchema = z.strictObject({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120),
  spokenName: z.string().trim().min(1).max(120).optional(),
  active: z.boolean().optional(),
});

const typeSchema = z.strictObject({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120),
  durationMinutes: z.int({ error: 'must be a whole number of minutes' }).min(5, 'must be at least 5').max(480, 'must be at most 480').multipleOf(5, 'must be a multiple of 5'),
  bufferAfterMinutes: z.int().min(0).max(120).multipleOf(5, 'must be a multiple of 5').default(0),
  phoneBookable: z.boolean().default(true),
  active: z.boolean().default(true),
  practitionerIds: z.array(uuid('a practitioner')).max(200).default([]),
});

const closureSchema = z
  .strictObject({ startsAt: instantSchema, endsAt: instantSchema, practitionerId: uuid('a practitioner').nullable().optional(), reason: z.string().trim().max(200).nullable().optional() })
  .refine((c) => c.endsAt > c.startsAt, { path: ['endsAt'], message: 'must be after startsAt' });

const rulesSchema = z
  .strictObject({
    minNoticeMinutes: z.int().min(0, 'must be 0 or more').max(7 * 24 * 60, 'must be at most a week (10080)'),
    horizonDays: z.int().min(1, 'must be at least 1').max(730, 'must be at most 730'),
  })
  .partial();

const presentHours = (rows: Array<{ weekday: number; startMinute: number; endMinute: number }>) =>
  [...rows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute).map((r) => ({ weekday: r.weekday, start: formatClock(r.startMinute), end: formatClock(r.endMinute) }));

export function diarySetupRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const audit = (req: Request, action: string, subject?: { type: string; id: string }, details?: Record<string, string | number | boolean | string[]>) =>
    recordAudit(prisma, { actor: actorOf(req), action, clinicId: clinicOf(req), subject, details });

  async function practitionerOf(req: Request, id: unknown, field = 'practitionerId') {
    const found = typeof id === 'string' && uuid('').safeParse(id).success ? await prisma.practitioner.findFirst({ where: { id, clinicId: clinicOf(req) } }) : null;
    if (!found) throw new HttpError(404, 'not_found', 'No such practitioner', field);
    return found;
  }

  async function checkPractitioners(req: Request, ids: string[]) {
    const found = await prisma.practitioner.count({ where: { id: { in: ids }, clinicId: clinicOf(req) } });
    if (found !== new Set(ids).size) throw new HttpError(404, 'not_found', 'No such practitioner', 'practitionerIds');
  }

  // Practitioners
  router.get('/practitioners', async (req, res) => {
    const rows = await prisma.practitioner.findMany({ where: { clinicId: clinicOf(req) }, include: { workingHours: true }, orderBy: { name: 'asc' } });
    res.json({ practitioners: rows.map(({ workingHours, ...p }) => ({ ...p, hours: presentHours(workingHours) })) });
  });
  router.post('/practitioners', requireOwner, async (req, res) => {
    const input = parseInput(practitionerSchema, req.body);
    const p = await prisma.practitioner.create({ data: { clinicId: clinicOf(req), name: input.name, spokenName: input.spokenName ?? input.name, active: input.active ?? true } });
    await audit(req, 'practitioner.created', { type: 'practitioner', id: p.id });
    res.status(201).json(p);
  });
  router.patch('/practitioners/:practitionerId', requireOwner, async (req, res) => {
    const current = await practitionerOf(req, req.params.practitionerId);
    const input = parseInput(practitionerSchema.partial(), req.body);
    const p = await prisma.practitioner.update({ where: { id: current.id }, data: input });
    await audit(req, 'practitioner.changed', { type: 'practitioner', id: p.id }, { fields: Object.keys(input).sort() });
    res.json(p);
  });
  router.put('/practitioners/:practitionerId/hours', requireOwner, async (req, res) => {
    const p = await practitionerOf(req, req.params.practitionerId);
    const hours = parseInput(z.strictObject({ hours: weeklyHoursSchema }), req.body).hours;
    await prisma.$transaction([prisma.workingHours.deleteMany({ where: { practitionerId: p.id } }), prisma.workingHours.createMany({ data: hours.map((h) => ({ ...h, practitionerId: p.id })) })]);
    await audit(req, 'practitioner.hours_changed', { type: 'practitioner', id: p.id }, { ranges: hours.length });
    res.json({ hours: presentHours(hours) });
  });

  // Appointment types
  const typeView = { include: { practitioners: { select: { practitionerId: true } } } } as const;
  const presentType = ({ practitioners, ...t }: { practitioners: Array<{ practitionerId: string }> } & Record<string, unknown>) => ({ ...t, practitionerIds: practitioners.map((p) => p.practitionerId).sort() });
  router.get('/appointment-types', async (req, res) => {
    const rows = await prisma.appointmentType.findMany({ where: { clinicId: clinicOf(req) }, ...typeView, orderBy: { name: 'asc' } });
    res.json({ appointmentTypes: rows.map(presentType) });
  });
  router.post('/appointment-types', requireOwner, async (req, res) => {
    const { practitionerIds, ...input } = parseInput(typeSchema, req.body);
    await checkPractitioners(req, practitionerIds);
    const t = await prisma.appointmentType.create({ data: { ...input, clinicId: clinicOf(req), practitioners: { create: [...new Set(practitionerIds)].map((practitionerId) => ({ practitionerId })) } }, ...typeView });
    await audit(req, 'appointment_type.created', { type: 'appointment_type', id: t.id });
    res.status(201).json(presentType(t));
  });
  router.patch('/appointment-types/:typeId', requireOwner, async (req, res) => {
    const id = String(req.params.typeId);
    const current = uuid('').safeParse(id).success ? await prisma.appointmentType.findFirst({ where: { id, clinicId: clinicOf(req) } }) : null;
    if (!current) throw notFound('No such appointment type');
    const { practitionerIds, ...input } = parseInput(typeSchema.partial().extend({ practitionerIds: z.array(uuid('a practitioner')).max(200).optional() }), req.body);
    // Partial of a schema with defaults still fills them in: keep only what was sent.
    const sent = Object.fromEntries(Object.entries(input).filter(([k]) => k in (req.body ?? {})));
    if (practitionerIds) await checkPractitioners(req, practitionerIds);
    const t = await prisma.$transaction(async (tx) => {
      if (practitionerIds) {
        await tx.appointmentTypePractitioner.deleteMany({ where: { typeId: id } });
        await tx.appointmentTypePractitioner.createMany({ data: [...new Set(practitionerIds)].map((practitionerId) => ({ practitionerId, typeId: id })) });
      }
      return tx.appointmentType.update({ where: { id }, data: sent, ...typeView });
    });
    await audit(req, 'appointment_type.changed', { type: 'appointment_type', id }, { fields: [...Object.keys(sent), ...(practitionerIds ? ['practitionerIds'] : [])].sort() });
    res.json(presentType(t));
  });

  // Reception opening hours (when the phone line offers a person)
  router.get('/opening-hours', async (req, res) => {
    res.json({ hours: presentHours(await prisma.openingHours.findMany({ where: { clinicId: clinicOf(req) } })) });
  });
  router.put('/opening-hours', requireOwner, async (req, res) => {
    const hours = parseInput(z.strictObject({ hours: weeklyHoursSchema }), req.body).hours;
    const clinicId = clinicOf(req);
    await prisma.$transaction([prisma.openingHours.deleteMany({ where: { clinicId } }), prisma.openingHours.createMany({ data: hours.map((h) => ({ ...h, clinicId })) })]);
    await audit(req, 'clinic.opening_hours_changed', { type: 'clinic', id: clinicId }, { ranges: hours.length });
    res.json({ hours: presentHours(hours) });
  });

  // Closures
  router.get('/closures', async (req, res) => {
    res.json({ closures: await prisma.closure.findMany({ where: { clinicId: clinicOf(req), endsAt: { gt: ctx.clock() } }, orderBy: { startsAt: 'asc' } }) });
  });
  router.post('/closures', requireOwner, async (req, res) => {
    const input = parseInput(closureSchema, req.body);
    if (input.practitionerId) await practitionerOf(req, input.practitionerId);
    const c = await prisma.closure.create({ data: { clinicId: clinicOf(req), startsAt: input.startsAt, endsAt: input.endsAt, practitionerId: input.practitionerId ?? null, reason: input.reason ?? null } });
    await audit(req, 'closure.created', { type: 'closure', id: c.id });
    res.status(201).json(c);
  });
  router.delete('/closures/:closureId', requireOwner, async (req, res) => {
    const id = String(req.params.closureId);
    const gone = uuid('').safeParse(id).success ? await prisma.closure.deleteMany({ where: { id, clinicId: clinicOf(req) } }) : { count: 0 };
    if (gone.count === 0) throw notFound('No such closure');
    await audit(req, 'closure.removed', { type: 'closure', id });
    res.status(204).end();
  });

  // Booking rules
  router.get('/booking-rules', async (req, res) => {
    res.json(await prisma.clinic.findUniqueOrThrow({ where: { id: clinicOf(req) }, select: { minNoticeMinutes: true, horizonDays: true } }));
  });
  router.patch('/booking-rules', requireOwner, async (req, res) => {
    const input = parseInput(rulesSchema, req.body);
    const rules = await prisma.clinic.update({ where: { id: clinicOf(req) }, data: input, select: { minNoticeMinutes: true, horizonDays: true } });
    await audit(req, 'clinic.booking_rules_changed', { type: 'clinic', id: clinicOf(req) }, { fields: Object.keys(input).sort() });
    res.json(rules);
  });

  return router;
}
