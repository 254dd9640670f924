// A clinic's diary set-up: practitioners, appointment types, hours, closures,
// booking rules (src/diary/setup.ts). Members read; only owners change.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../main/context.js';
import {
  addAppointmentType,
  addClosure,
  addPractitioner,
  bookingRules,
  changeAppointmentType,
  changeBookingRules,
  changePractitioner,
  closuresAhead,
  listAppointmentTypes,
  listPractitioners,
  openingHours,
  removeClosure,
  setOpeningHours,
  setWorkingHours,
} from '../diary/setup.js';
import { instantSchema, uuid, weeklyHoursSchema } from '../diary/validation.js';
import { actorOf, requireOwner } from '../http/auth.js';
import { body, type FieldLabels, ids } from '../http/input.js';
import { InvalidInput } from '../core/errors.js';
import { wire } from '../http/wire.js';
import type { AppointmentTypeList, BookingRules, ClosureList, HoursList, PractitionerList } from '../contracts/api.js';

const practitionerSchema = z.strictObject({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120),
  spokenName: z.string().trim().min(1).max(120).optional(),
  active: z.boolean().optional(),
});

const typeSchema = z.strictObject({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120),
  durationMinutes: z
    .int({ error: 'must be a whole number of minutes' })
    .min(5, 'must be at least 5')
    .max(480, 'must be at most 480')
    .multipleOf(5, 'must be a multiple of 5'),
  bufferAfterMinutes: z.int().min(0).max(120).multipleOf(5, 'must be a multiple of 5').default(0),
  phoneBookable: z.boolean().default(true),
  // Other words callers use for it on the phone ("jab" for Vaccination).
  synonyms: z
    .array(z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'), {
      error: 'must be a list of words',
    })
    .max(50, 'must be at most 50')
    .default([]),
  active: z.boolean().default(true),
  practitionerIds: z.array(uuid('a practitioner')).max(200).default([]),
});

const closureSchema = z
  .strictObject({
    startsAt: instantSchema,
    endsAt: instantSchema,
    practitionerId: uuid('a practitioner').nullable().optional(),
    reason: z.string().trim().max(200).nullable().optional(),
  })
  .refine((c) => c.endsAt > c.startsAt, { path: ['endsAt'], message: 'must be after From' });

const rulesSchema = z
  .strictObject({
    minNoticeMinutes: z
      .int()
      .min(0, 'must be 0 or more')
      .max(7 * 24 * 60, 'must be at most a week (10080)'),
    horizonDays: z.int().min(1, 'must be at least 1').max(730, 'must be at most 730'),
  })
  .partial();

const hoursSchema = z.strictObject({ hours: weeklyHoursSchema });

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** "Monday opens": a range of the hours editor, as it labels its fields. */
const rangeLabel = (what: string) => (path: PropertyKey[], input: unknown) => {
  const range = (input as { hours?: Array<{ weekday?: unknown }> }).hours?.[path[1] as number];
  const day = typeof range?.weekday === 'number' ? WEEKDAYS[range.weekday - 1] : undefined;
  return day ? `${day} ${what}` : `Range ${(path[1] as number) + 1}: ${what}`;
};
const HOURS_LABELS: FieldLabels = {
  hours: 'Hours',
  'hours.#': rangeLabel('range'),
  'hours.#.weekday': (path) => `Day of range ${(path[1] as number) + 1}`,
  'hours.#.start': rangeLabel('opens'),
  'hours.#.end': rangeLabel('closes'),
};
const PRACTITIONER_LABELS: FieldLabels = {
  name: 'Name',
  spokenName: 'Said on the phone as',
  active: 'Taking bookings',
};
const TYPE_LABELS: FieldLabels = {
  name: 'Name',
  durationMinutes: 'Minutes',
  bufferAfterMinutes: 'Minutes free after',
  synonyms: 'Callers also say',
  'synonyms.#': 'Callers also say',
  phoneBookable: 'Bookable by phone',
  practitionerIds: 'Who sees it',
};
const CLOSURE_LABELS: FieldLabels = { startsAt: 'From', endsAt: 'Until', reason: 'Reason', practitionerId: 'Who' };
const RULES_LABELS: FieldLabels = {
  minNoticeMinutes: 'Notice for phone bookings (minutes)',
  horizonDays: 'Bookable up to (days ahead)',
};

export function diarySetupRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const clinicOf = (req: Request) => req.membership!.clinicId;
  const who = (req: Request) => ({ clinicId: clinicOf(req), actor: actorOf(req) });
  const practitionerOf = (req: Request) => ids(req, { practitionerId: 'practitioner' }).practitionerId;

  // Practitioners
  router.get('/practitioners', async (req, res) => {
    res.json(wire({ practitioners: await listPractitioners(ctx, clinicOf(req)) }) satisfies PractitionerList);
  });
  router.post('/practitioners', requireOwner, async (req, res) => {
    res.status(201).json(await addPractitioner(ctx, who(req), body(req, practitionerSchema, PRACTITIONER_LABELS)));
  });
  router.patch('/practitioners/:practitionerId', requireOwner, async (req, res) => {
    const id = practitionerOf(req);
    res.json(await changePractitioner(ctx, who(req), id, body(req, practitionerSchema.partial(), PRACTITIONER_LABELS)));
  });
  router.put('/practitioners/:practitionerId/hours', requireOwner, async (req, res) => {
    const id = practitionerOf(req);
    res.json(
      wire({
        hours: await setWorkingHours(ctx, who(req), id, body(req, hoursSchema, HOURS_LABELS).hours),
      }) satisfies HoursList,
    );
  });

  // Appointment types
  router.get('/appointment-types', async (req, res) => {
    res.json(wire({ appointmentTypes: await listAppointmentTypes(ctx, clinicOf(req)) }) satisfies AppointmentTypeList);
  });
  router.post('/appointment-types', requireOwner, async (req, res) => {
    const { practitionerIds, ...input } = body(req, typeSchema, TYPE_LABELS);
    res.status(201).json(await addAppointmentType(ctx, who(req), input, practitionerIds));
  });
  router.patch('/appointment-types/:typeId', requireOwner, async (req, res) => {
    const { typeId } = ids(req, { typeId: 'appointment type' });
    const { practitionerIds, ...input } = body(
      req,
      typeSchema.partial().extend({ practitionerIds: z.array(uuid('a practitioner')).max(200).optional() }),
      TYPE_LABELS,
    );
    // Partial of a schema with defaults still fills them in: keep only what was sent.
    const sent = Object.fromEntries(Object.entries(input).filter(([k]) => k in (req.body ?? {})));
    res.json(await changeAppointmentType(ctx, who(req), typeId, sent, practitionerIds));
  });

  // Reception opening hours (when the phone line offers a person)
  router.get('/opening-hours', async (req, res) => {
    res.json(wire({ hours: await openingHours(ctx, clinicOf(req)) }) satisfies HoursList);
  });
  router.put('/opening-hours', requireOwner, async (req, res) => {
    res.json(
      wire({
        hours: await setOpeningHours(ctx, who(req), body(req, hoursSchema, HOURS_LABELS).hours),
      }) satisfies HoursList,
    );
  });

  // Closures
  router.get('/closures', async (req, res) => {
    res.json(wire({ closures: await closuresAhead(ctx, clinicOf(req)) }) satisfies ClosureList);
  });
  router.post('/closures', requireOwner, async (req, res) => {
    const closure = body(req, closureSchema, CLOSURE_LABELS);
    // A closure wholly past changes nothing the line does: refused, so "added" never hides it.
    if (closure.endsAt <= ctx.clock())
      throw new InvalidInput('Until: is in the past; a closure must end later than now', 'endsAt');
    res.status(201).json(await addClosure(ctx, who(req), closure));
  });
  router.delete('/closures/:closureId', requireOwner, async (req, res) => {
    await removeClosure(ctx, who(req), ids(req, { closureId: 'closure' }).closureId);
    res.status(204).end();
  });

  // Booking rules
  router.get('/booking-rules', async (req, res) => {
    res.json(wire(await bookingRules(ctx, clinicOf(req))) satisfies BookingRules);
  });
  router.patch('/booking-rules', requireOwner, async (req, res) => {
    res.json(
      wire(await changeBookingRules(ctx, who(req), body(req, rulesSchema, RULES_LABELS))) satisfies BookingRules,
    );
  });

  return router;
}
