// The diary as the dashboard uses it: patients, free slots, booking, the day and week views, the waitlist.
import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { actorOf } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { HttpError, notFound, parseInput } from '../http/errors.js';
import { nextFreeSlots } from '../diary/availability.js';
import { bookAppointment, cancelAppointment, markAttendance, moveAppointment } from '../diary/booking.js';
import { normalisePhone, patientInputSchema, patientView, presentPatient, searchPatients } from '../diary/patients.js';
import { instantSchema, localDateSchema, uuid } from '../diary/validation.js';

const bookSchema = z.strictObject({ patientId: uuid('a patient'), practitionerId: uuid('a practitioner'), typeId: uuid('an appointment type'), startsAt: instantSchema });
const moveSchema = z.strictObject({ startsAt: instantSchema, practitionerId: uuid('a practitioner').optional() });
const slotsSchema = z.object({
  typeId: uuid('an appointment type'),
  practitionerId: uuid('a practitioner').optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
  after: instantSchema.optional(),
});
const diarySchema = z.object({ date: localDateSchema, view: z.enum(['day', 'week']).default('day'), practitionerId: uuid('a practitioner').optional() });
const waitlistSchema = z
  .strictObject({ patientId: uuid('a patient'), typeId: uuid('an appointment type'), practitionerId: uuid('a practitioner').nullable().optional(), fromDate: localDateSchema, toDate: localDateSchema })
  .refine((w) => w.toDate >= w.fromDate, { path: ['toDate'], message: 'must not be before fromDate' });

const presentAppointment = (a: { startsAt: Date; endsAt: Date; blockedUntil: Date } & Record<string, unknown>) => ({ ...a, blockedUntil: undefined });

export function diaryRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const clinic = (req: Request) => prisma.clinic.findUniqueOrThrow({ where: { id: clinicOf(req) }, select: { timeZone: true, locale: true } });
  const idParam = (req: Request, name: string) => {
    const id = String(req.params[name]);
    return uuid('').safeParse(id).success ? id : null;
  };

  // Patients
  router.get('/patients', async (req, res) => {
    const { q } = parseInput(z.object({ q: z.string().trim().min(2, 'must be at least 2 characters').max(100) }), req.query);
    res.json({ patients: await searchPatients(prisma, clinicOf(req), (await clinic(req)).locale, q) });
  });
  router.post('/patients', async (req, res) => {
    const input = parseInput(patientInputSchema, req.body);
    const phone = input.phone ? normalisePhone(input.phone, (await clinic(req)).locale) : null;
    if (input.phone && !phone) throw new HttpError(400, 'invalid_input', 'phone: is not a phone number', 'phone');
    const p = await prisma.patient.create({ data: { clinicId: clinicOf(req), name: input.name, phone, dateOfBirth: input.dateOfBirth ? new Date(input.dateOfBirth) : null }, select: patientView });
    res.status(201).json(presentPatient(p));
  });
  router.get('/patients/:patientId', async (req, res) => {
    const id = idParam(req, 'patientId');
    const p = id ? await prisma.patient.findFirst({ where: { id, clinicId: clinicOf(req) }, select: { ...patientView, appointments: { orderBy: { startsAt: 'desc' }, take: 50, include: { practitioner: { select: { name: true } }, type: { select: { name: true } } } } } }) : null;
    if (!p) throw notFound('No such patient');
    const { appointments, ...patient } = p;
    res.json({ ...presentPatient(patient), appointments: appointments.map(presentAppointment) });
  });

  // Free slots
  router.get('/slots', async (req, res) => {
    const q = parseInput(slotsSchema, req.query);
    const slots = await nextFreeSlots(prisma, { clinicId: clinicOf(req), typeId: q.typeId, practitionerId: q.practitionerId, limit: q.limit, after: q.after, applyNotice: false, now: ctx.clock() });
    res.json({ slots });
  });

  // Appointments
  router.post('/appointments', async (req, res) => {
    const input = parseInput(bookSchema, req.body);
    res.status(201).json(await bookAppointment(ctx, { ...input, clinicId: clinicOf(req), source: 'dashboard', actor: actorOf(req) }));
  });
  router.post('/appointments/:appointmentId/move', async (req, res) => {
    const id = idParam(req, 'appointmentId');
    if (!id) throw notFound('No such appointment');
    const input = parseInput(moveSchema, req.body);
    res.json(await moveAppointment(ctx, { clinicId: clinicOf(req), appointmentId: id, startsAt: input.startsAt, practitionerId: input.practitionerId, source: 'dashboard', actor: actorOf(req) }));
  });
  router.post('/appointments/:appointmentId/cancel', async (req, res) => {
    const id = idParam(req, 'appointmentId');
    if (!id) throw notFound('No such appointment');
    const { reason } = parseInput(z.strictObject({ reason: z.string().trim().max(200).nullable().optional() }), req.body ?? {});
    res.json(await cancelAppointment(ctx, { clinicId: clinicOf(req), appointmentId: id, reason, actor: actorOf(req) }));
  });
  router.post('/appointments/:appointmentId/attendance', async (req, res) => {
    const id = idParam(req, 'appointmentId');
    if (!id) throw notFound('No such appointment');
    const { status } = parseInput(z.strictObject({ status: z.enum(['attended', 'no_show'], { error: 'must be attended or no_show' }) }), req.body);
    res.json(await markAttendance(ctx, { clinicId: clinicOf(req), appointmentId: id, status, actor: actorOf(req) }));
  });

  // Day and week views, in the clinic's local time.
  router.get('/diary', async (req, res) => {
    const q = parseInput(diarySchema, req.query);
    const { timeZone } = await clinic(req);
    const from = DateTime.fromISO(q.date, { zone: timeZone }).startOf(q.view === 'week' ? 'week' : 'day');
    const to = from.plus(q.view === 'week' ? { weeks: 1 } : { days: 1 });
    const range = { gte: from.toJSDate(), lt: to.toJSDate() };
    const [appointments, closures] = await Promise.all([
      prisma.appointment.findMany({
        where: { clinicId: clinicOf(req), startsAt: range, status: { not: 'cancelled' }, ...(q.practitionerId ? { practitionerId: q.practitionerId } : {}) },
        include: { patient: { select: { id: true, name: true } }, type: { select: { id: true, name: true } }, practitioner: { select: { id: true, name: true } } },
        orderBy: { startsAt: 'asc' },
      }),
      prisma.closure.findMany({ where: { clinicId: clinicOf(req), startsAt: { lt: range.lt }, endsAt: { gt: range.gte } }, orderBy: { startsAt: 'asc' } }),
    ]);
    res.json({ timeZone, from: from.toISO(), to: to.toISO(), appointments: appointments.map(presentAppointment), closures });
  });

  // Waitlist
  router.get('/waitlist', async (req, res) => {
    const entries = await prisma.waitlistEntry.findMany({ where: { clinicId: clinicOf(req), resolvedAt: null }, include: { patient: { select: { name: true } } }, orderBy: { createdAt: 'asc' } });
    res.json({ waitlist: entries });
  });
  router.post('/waitlist', async (req, res) => {
    const input = parseInput(waitlistSchema, req.body);
    const clinicId = clinicOf(req);
    const [patient, type, practitioner] = await Promise.all([
      prisma.patient.findFirst({ where: { id: input.patientId, clinicId } }),
      prisma.appointmentType.findFirst({ where: { id: input.typeId, clinicId } }),
      input.practitionerId ? prisma.practitioner.findFirst({ where: { id: input.practitionerId, clinicId } }) : Promise.resolve(true),
    ]);
    if (!patient) throw new HttpError(404, 'not_found', 'No such patient', 'patientId');
    if (!type) throw new HttpError(404, 'not_found', 'No such appointment type', 'typeId');
    if (!practitioner) throw new HttpError(404, 'not_found', 'No such practitioner', 'practitionerId');
    const entry = await prisma.waitlistEntry.create({
      data: { clinicId, patientId: input.patientId, typeId: input.typeId, practitionerId: input.practitionerId ?? null, fromDate: new Date(input.fromDate), toDate: new Date(input.toDate) },
    });
    res.status(201).json(entry);
  });
  router.delete('/waitlist/:entryId', async (req, res) => {
    const id = idParam(req, 'entryId');
    const done = id ? await prisma.waitlistEntry.updateMany({ where: { id, clinicId: clinicOf(req), resolvedAt: null }, data: { resolvedAt: ctx.clock() } }) : { count: 0 };
    if (done.count === 0) throw notFound('No such waitlist entry');
    res.status(204).end();
  });

  return router;
}
