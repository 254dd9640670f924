// The diary as the dashboard uses it: patients, free slots, booking, the day and week views, the waitlist.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import { nextFreeSlots } from '../diary/availability.js';
import { bookAppointment, cancelAppointment, markAttendance, moveAppointment } from '../diary/booking.js';
import { diaryView } from '../diary/appointments.js';
import {
  patientInputSchema,
  patientRecord,
  patientUpdateSchema,
  registerPatient,
  searchPatients,
  updatePatient,
} from '../diary/patients.js';
import { addToWaitingList, leaveWaitingList, resolvingEntry, waitingList } from '../diary/waitlist.js';
import { offerTimeToEntry } from '../texts/waitlist-offers.js';
import { PARTS_OF_DAY, type PartOfDay } from '../contracts/parts-of-day.js';
import { instantSchema, localDateSchema, uuid } from '../diary/validation.js';
import { body, ids, query } from '../http/input.js';
import { wire } from '../http/wire.js';
import type {
  DiaryDay,
  FreeSlots,
  PatientRecord,
  PatientSearch,
  PatientSummary,
  WaitingList,
  WaitlistOfferSent,
} from '../contracts/api.js';

const bookSchema = z.strictObject({
  patientId: uuid('a patient'),
  practitionerId: uuid('a practitioner'),
  typeId: uuid('an appointment type'),
  startsAt: instantSchema,
  /** Booked for someone on the waiting list: they come off it with the booking. */
  waitlistEntryId: uuid('a waiting-list entry').optional(),
});
const offerSchema = z.strictObject({ practitionerId: uuid('a practitioner'), startsAt: instantSchema });
const moveSchema = z.strictObject({ startsAt: instantSchema, practitionerId: uuid('a practitioner').optional() });
const partOfDay = z.enum(Object.keys(PARTS_OF_DAY) as [PartOfDay, ...PartOfDay[]], {
  error: `must be one of ${Object.keys(PARTS_OF_DAY).join(', ')}`,
});
const slotsSchema = z
  .object({
    typeId: uuid('an appointment type'),
    practitionerId: uuid('a practitioner').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    after: instantSchema.optional(),
    before: instantSchema.optional(),
    /** The clinic's local dates, both included. */
    from: localDateSchema.optional(),
    to: localDateSchema.optional(),
    partOfDay: partOfDay.optional(),
  })
  .refine((q) => !q.from || !q.to || q.to >= q.from, { path: ['to'], message: 'must not be before from' });
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).max(50)]).transform((v) => [v].flat());
const diarySchema = z.object({
  date: localDateSchema,
  view: z.enum(['day', 'week']).default('day'),
  practitionerId: oneOrMany(uuid('a practitioner')).optional(),
  includeCancelled: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});
const waitlistSchema = z
  .strictObject({
    patientId: uuid('a patient'),
    typeId: uuid('an appointment type'),
    practitionerId: uuid('a practitioner').nullable().optional(),
    fromDate: localDateSchema,
    toDate: localDateSchema,
  })
  .refine((w) => w.toDate >= w.fromDate, { path: ['toDate'], message: 'must not be before fromDate' });

export function diaryRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const clinic = (req: Request) =>
    prisma.clinic.findUniqueOrThrow({ where: { id: clinicOf(req) }, select: { timeZone: true, locale: true } });

  // Patients
  router.get('/patients', async (req, res) => {
    const { q } = query(req, z.object({ q: z.string().trim().min(2, 'must be at least 2 characters').max(100) }));
    res.json(
      wire({
        patients: await searchPatients(ctx.db, clinicOf(req), (await clinic(req)).locale, q),
      }) satisfies PatientSearch,
    );
  });
  router.post('/patients', async (req, res) => {
    const input = body(req, patientInputSchema);
    const patient = await registerPatient(prisma, { id: clinicOf(req), locale: (await clinic(req)).locale }, input, {
      actor: actorOf(req),
      now: ctx.clock(),
    });
    res.status(201).json(wire(patient) satisfies PatientSummary);
  });
  const patientOf = (req: Request) => ids(req, { patientId: 'patient' }).patientId;
  router.get('/patients/:patientId', async (req, res) => {
    res.json(wire(await patientRecord(prisma, clinicOf(req), patientOf(req))) satisfies PatientRecord);
  });
  router.patch('/patients/:patientId', async (req, res) => {
    const id = patientOf(req);
    const input = body(req, patientUpdateSchema);
    const patient = await updatePatient(prisma, { id: clinicOf(req), locale: (await clinic(req)).locale }, id, input, {
      actor: actorOf(req),
      now: ctx.clock(),
    });
    res.json(wire(patient) satisfies PatientSummary);
  });

  // Free slots
  router.get('/slots', async (req, res) => {
    const q = query(req, slotsSchema);
    const slots = await nextFreeSlots(prisma, {
      clinicId: clinicOf(req),
      typeId: q.typeId,
      practitionerId: q.practitionerId,
      limit: q.limit,
      after: q.after,
      before: q.before,
      dates: { from: q.from, to: q.to },
      minutes: q.partOfDay && PARTS_OF_DAY[q.partOfDay],
      applyNotice: false,
      now: ctx.clock(),
    });
    res.json(wire({ slots }) satisfies FreeSlots);
  });

  // Appointments
  const appointmentOf = (req: Request) => ids(req, { appointmentId: 'appointment' }).appointmentId;
  router.post('/appointments', async (req, res) => {
    const { waitlistEntryId, ...input } = body(req, bookSchema);
    const booked = await bookAppointment(ctx, {
      ...input,
      clinicId: clinicOf(req),
      source: 'dashboard',
      actor: actorOf(req),
      alongWith: waitlistEntryId
        ? resolvingEntry({ id: waitlistEntryId, clinicId: clinicOf(req), patientId: input.patientId }, ctx.clock())
        : undefined,
    });
    res.status(201).json(booked);
  });
  router.post('/appointments/:appointmentId/move', async (req, res) => {
    const id = appointmentOf(req);
    const input = body(req, moveSchema);
    res.json(
      await moveAppointment(ctx, {
        clinicId: clinicOf(req),
        appointmentId: id,
        startsAt: input.startsAt,
        practitionerId: input.practitionerId,
        source: 'dashboard',
        actor: actorOf(req),
      }),
    );
  });
  router.post('/appointments/:appointmentId/cancel', async (req, res) => {
    const id = appointmentOf(req);
    const { reason } = body(req, z.strictObject({ reason: z.string().trim().max(200).nullable().optional() }));
    res.json(await cancelAppointment(ctx, { clinicId: clinicOf(req), appointmentId: id, reason, actor: actorOf(req) }));
  });
  router.post('/appointments/:appointmentId/attendance', async (req, res) => {
    const id = appointmentOf(req);
    const { status } = body(
      req,
      z.strictObject({ status: z.enum(['attended', 'no_show'], { error: 'must be attended or no_show' }) }),
    );
    res.json(await markAttendance(ctx, { clinicId: clinicOf(req), appointmentId: id, status, actor: actorOf(req) }));
  });

  // Day and week views, in the clinic's local time.
  router.get('/diary', async (req, res) => {
    const q = query(req, diarySchema);
    res.json(
      wire(
        await diaryView(
          ctx.db,
          { id: clinicOf(req), timeZone: (await clinic(req)).timeZone },
          {
            date: q.date,
            view: q.view,
            practitionerIds: q.practitionerId,
            includeCancelled: q.includeCancelled === 'true',
          },
        ),
      ) satisfies DiaryDay,
    );
  });

  // Waitlist
  router.get('/waitlist', async (req, res) => {
    res.json(wire({ waitlist: await waitingList(prisma, clinicOf(req)) }) satisfies WaitingList);
  });
  router.post('/waitlist', async (req, res) => {
    res.status(201).json(await addToWaitingList(prisma, clinicOf(req), body(req, waitlistSchema)));
  });
  router.post('/waitlist/:entryId/offers', async (req, res) => {
    const { entryId } = ids(req, { entryId: 'waitlist entry' });
    const slot = body(req, offerSchema);
    res.status(201).json((await offerTimeToEntry(ctx, clinicOf(req), entryId, slot)) satisfies WaitlistOfferSent);
  });
  router.delete('/waitlist/:entryId', async (req, res) => {
    await leaveWaitingList(prisma, clinicOf(req), ids(req, { entryId: 'waitlist entry' }).entryId, ctx.clock());
    res.status(204).end();
  });

  return router;
}
