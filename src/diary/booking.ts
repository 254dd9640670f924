// The one booking engine: everything the dashboard or the phone line books,
// moves or cancels goes through here. Overlaps are refused by the database
// (an exclusion constraint), not by hoping.
import { type Actor, recordAudit } from '../core/audit.js';
import type { Prisma } from '../db/database.js';
import { EXCLUSION_VIOLATION, isConflictRetry, sqlState } from '../db/errors.js';
import type { AppointmentSummary } from '../core/events.js';
import type { Services } from '../core/services.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { nextFreeSlots } from './availability.js';
import type { Slot } from './slots.js';
import { queueWaitlistOffer } from './waitlist.js';
import { NotFound, Conflict, NotPossible } from '../core/errors.js';

export type BookingSource = 'phone' | 'dashboard' | 'text';

/** A booking, move or cancellation, as the writes that go with it see it. */
export interface DiaryChange {
  kind: 'booked' | 'moved' | 'cancelled';
  appointmentId: string;
  source: BookingSource | null;
}

/**
 * What other features write in the same transaction as a change to the diary (the
 * patient's text), so it commits with the change or not at all. The composition root
 * supplies it: the diary knows nothing above it.
 */
export type DiaryChangeWrites = (tx: PrismaTypes.TransactionClient, change: DiaryChange) => Promise<void>;

export interface DiaryDeps extends Pick<Services, 'db' | 'events' | 'clock'> {
  diaryChangeWrites: DiaryChangeWrites;
}

/**
 * Writes that must commit with a booking, move or cancellation or not at all: the
 * phone call that made it records its outcome here, so a crash can never leave an
 * appointment its call knows nothing about.
 */
export type AlongWith = (tx: PrismaTypes.TransactionClient, appointment: { id: string }) => Promise<unknown>;

export interface BookingRequest {
  clinicId: string;
  practitionerId: string;
  typeId: string;
  patientId: string;
  startsAt: Date;
  source: BookingSource;
  actor: Actor;
  alongWith?: AlongWith;
}

/** The slot went to someone else a moment earlier; carries the next free alternatives. */
export class SlotTakenError extends Conflict {
  constructor(readonly alternatives: Slot[]) {
    super('slot_taken', 'That time has just been taken. Here are the next free times.', 'startsAt');
    this.details = { alternatives };
  }
}

type Tx = PrismaTypes.TransactionClient;
type AppointmentRow = {
  id: string;
  practitionerId: string;
  patientId: string;
  typeId: string;
  startsAt: Date;
  endsAt: Date;
  blockedUntil: Date;
  status: string;
};

export const summarise = (a: AppointmentRow): AppointmentSummary => ({
  id: a.id,
  practitionerId: a.practitionerId,
  patientId: a.patientId,
  typeId: a.typeId,
  startsAt: a.startsAt.toISOString(),
  endsAt: a.endsAt.toISOString(),
  status: a.status,
});

const actorId = (actor: Actor) => (actor.type === 'user' ? actor.userId : actor.type);

/**
 * Checks the request against the clinic's rules (the practitioner offers the type,
 * the time is a slot of their hours, outside closures, within notice and horizon)
 * and returns the times to write. Overlap with other appointments is left to the
 * constraint, so two requests racing for one slot cannot both pass.
 */
async function planSlot(tx: Tx | Prisma, req: SlotTarget, now: Date) {
  const offered = await tx.appointmentTypePractitioner.findFirst({
    where: {
      typeId: req.typeId,
      practitionerId: req.practitionerId,
      type: { clinicId: req.clinicId, active: true },
      practitioner: { clinicId: req.clinicId, active: true },
    },
    select: { type: { select: { durationMinutes: true, bufferAfterMinutes: true, phoneBookable: true } } },
  });
  if (!offered) throw new NotFound('That practitioner does not offer that appointment type', 'practitionerId');
  if (req.source === 'phone' && !offered.type.phoneBookable)
    throw new NotPossible('not_phone_bookable', 'This appointment type cannot be booked by phone', 'typeId');
  const [first] = await nextFreeSlots(tx as unknown as Prisma, {
    clinicId: req.clinicId,
    typeId: req.typeId,
    practitionerId: req.practitionerId,
    limit: 1,
    after: req.startsAt,
    applyNotice: req.source === 'phone',
    now,
    ignoreAppointments: true,
  });
  if (first?.startsAt.getTime() !== req.startsAt.getTime()) {
    throw new NotPossible(
      'not_bookable',
      "That time is not bookable: it is outside the practitioner's hours, in a closure, too soon or too far ahead, or off the 15-minute grid",
      'startsAt',
    );
  }
  const endsAt = new Date(req.startsAt.getTime() + offered.type.durationMinutes * 60_000);
  return { endsAt, blockedUntil: new Date(endsAt.getTime() + offered.type.bufferAfterMinutes * 60_000) };
}

type SlotTarget = Omit<BookingRequest, 'patientId' | 'actor'>;

const MAX_ATTEMPTS = 5;

/**
 * Writers to one practitioner's diary take turns (a lock held to the end of the
 * transaction), so a burst of bookings for one slot meets the winner's committed
 * row one by one — a clean clash each — instead of waiting on each other's
 * uncommitted rows inside the constraint, where PostgreSQL finds deadlocks only
 * after a second each. The constraint still decides who gets the slot.
 */
async function queueForDiary(tx: Tx, practitionerId: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${practitionerId}, 0))::text AS "locked"`;
}

/**
 * Runs `work`; a clash with another live appointment becomes SlotTakenError with the
 * next free times. Many bookings of one slot at once can deadlock inside the
 * exclusion constraint (each waits on the others' uncommitted rows); PostgreSQL then
 * aborts one, which is run again — and then meets the winner's row as a clash.
 */
async function refusingClashes<T>(
  deps: DiaryDeps,
  target: () => Pick<SlotTarget, 'clinicId' | 'typeId' | 'source'>,
  work: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (isConflictRetry(err) && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
        continue;
      }
      if (sqlState(err) !== EXCLUSION_VIOLATION) throw err;
      throw await slotTaken(deps, target());
    }
  }
}

async function slotTaken(
  deps: DiaryDeps,
  { clinicId, typeId, source }: Pick<SlotTarget, 'clinicId' | 'typeId' | 'source'>,
): Promise<SlotTakenError> {
  return new SlotTakenError(
    await nextFreeSlots(deps.db.prisma, {
      clinicId,
      typeId,
      limit: 3,
      applyNotice: source === 'phone',
      now: deps.clock(),
    }),
  );
}

/**
 * Whether a live appointment already covers the time, read without a transaction or
 * a lock. A stampede for one slot (a thousand clicks) is then refused at the cost
 * of one indexed read each, instead of queueing every request for a connection and
 * the diary's lock. It only ever refuses what the constraint would refuse too, and
 * only in the caller's clinic: another clinic's diary is never read (planSlot answers 404).
 */
async function visiblyTaken(prisma: Prisma, req: BookingRequest): Promise<boolean> {
  const type = await prisma.appointmentType.findFirst({
    where: { id: req.typeId, clinicId: req.clinicId },
    select: { durationMinutes: true, bufferAfterMinutes: true },
  });
  if (!type) return false; // planSlot says what is wrong
  const blockedUntil = new Date(req.startsAt.getTime() + (type.durationMinutes + type.bufferAfterMinutes) * 60_000);
  const clash = await prisma.appointment.findFirst({
    where: {
      clinicId: req.clinicId,
      practitionerId: req.practitionerId,
      status: { not: 'cancelled' },
      startsAt: { lt: blockedUntil },
      blockedUntil: { gt: req.startsAt },
    },
    select: { id: true },
  });
  return clash !== null;
}

export async function bookAppointment(deps: DiaryDeps, req: BookingRequest): Promise<AppointmentSummary> {
  const now = deps.clock();
  if (await visiblyTaken(deps.db.prisma, req)) throw await slotTaken(deps, req);
  // The rules are read before the transaction (as inside it, each read sees what is
  // committed), so a transaction holds its connection only to write.
  const plan = await planSlot(deps.db.prisma, req, now);
  const appointment = await refusingClashes(
    deps,
    () => req,
    () =>
      deps.db.prisma.$transaction(async (tx) => {
        const patient = await tx.patient.findFirst({
          where: { id: req.patientId, clinicId: req.clinicId },
          select: { id: true },
        });
        if (!patient) throw new NotFound('No such patient', 'patientId');
        await queueForDiary(tx, req.practitionerId);
        const created = await tx.appointment.create({
          data: {
            clinicId: req.clinicId,
            practitionerId: req.practitionerId,
            typeId: req.typeId,
            patientId: req.patientId,
            startsAt: req.startsAt,
            endsAt: plan.endsAt,
            blockedUntil: plan.blockedUntil,
            source: req.source,
            createdBy: actorId(req.actor),
          },
        });
        await recordAudit(tx, {
          actor: req.actor,
          action: 'appointment.booked',
          clinicId: req.clinicId,
          subject: { type: 'appointment', id: created.id },
          details: { source: req.source },
        });
        await deps.diaryChangeWrites(tx, { kind: 'booked', appointmentId: created.id, source: req.source });
        await req.alongWith?.(tx, created);
        return created;
      }),
  );
  const summary = summarise(appointment);
  deps.events.publish('appointment.booked', req.clinicId, { appointment: summary, source: req.source }, now);
  return summary;
}

async function liveAppointment(tx: Tx, clinicId: string, appointmentId: string) {
  const appointment = await tx.appointment.findFirst({ where: { id: appointmentId, clinicId } });
  if (!appointment) throw new NotFound('No such appointment');
  if (appointment.status !== 'booked')
    throw new Conflict(
      'not_booked',
      `This appointment is ${appointment.status.replace('_', '-')}; only booked appointments can be changed`,
    );
  return appointment;
}

/**
 * Moves an appointment to another time and/or practitioner in one transaction:
 * if the new time cannot be had, the old one is kept.
 */
export async function moveAppointment(
  deps: DiaryDeps,
  req: {
    clinicId: string;
    appointmentId: string;
    startsAt: Date;
    practitionerId?: string;
    source: BookingSource;
    actor: Actor;
    alongWith?: AlongWith;
  },
): Promise<AppointmentSummary> {
  const now = deps.clock();
  let from: AppointmentRow | undefined;
  const moved = await refusingClashes(
    deps,
    () => ({ clinicId: req.clinicId, typeId: from!.typeId, source: req.source }),
    () =>
      deps.db.prisma.$transaction(async (tx) => {
        const current = await liveAppointment(tx, req.clinicId, req.appointmentId);
        from = current;
        const target = {
          clinicId: req.clinicId,
          practitionerId: req.practitionerId ?? current.practitionerId,
          typeId: current.typeId,
          startsAt: req.startsAt,
          source: req.source,
        };
        const plan = await planSlot(tx, target, now);
        await queueForDiary(tx, target.practitionerId);
        // The constraint checks the row's new range against everyone else's; its own old range goes with the update.
        const updated = await tx.appointment.update({
          where: { id: current.id },
          data: {
            practitionerId: target.practitionerId,
            startsAt: req.startsAt,
            endsAt: plan.endsAt,
            blockedUntil: plan.blockedUntil,
          },
        });
        await recordAudit(tx, {
          actor: req.actor,
          action: 'appointment.moved',
          clinicId: req.clinicId,
          subject: { type: 'appointment', id: current.id },
        });
        await deps.diaryChangeWrites(tx, { kind: 'moved', appointmentId: current.id, source: req.source });
        await queueWaitlistOffer(tx, req.clinicId, current, now);
        await req.alongWith?.(tx, updated);
        return updated;
      }),
  );
  const summary = summarise(moved);
  deps.events.publish(
    'appointment.moved',
    req.clinicId,
    {
      appointment: summary,
      from: {
        practitionerId: from!.practitionerId,
        startsAt: from!.startsAt.toISOString(),
        endsAt: from!.endsAt.toISOString(),
      },
    },
    now,
  );
  return summary;
}

export async function cancelAppointment(
  deps: DiaryDeps,
  req: { clinicId: string; appointmentId: string; reason?: string | null; actor: Actor; alongWith?: AlongWith },
): Promise<AppointmentSummary> {
  const now = deps.clock();
  const cancelled = await deps.db.prisma.$transaction(async (tx) => {
    const current = await liveAppointment(tx, req.clinicId, req.appointmentId);
    const updated = await tx.appointment.update({
      where: { id: current.id },
      data: {
        status: 'cancelled',
        cancelledAt: now,
        cancelledBy: actorId(req.actor),
        cancelReason: req.reason ?? null,
      },
    });
    await recordAudit(tx, {
      actor: req.actor,
      action: 'appointment.cancelled',
      clinicId: req.clinicId,
      subject: { type: 'appointment', id: current.id },
    });
    await deps.diaryChangeWrites(tx, { kind: 'cancelled', appointmentId: current.id, source: null });
    await queueWaitlistOffer(tx, req.clinicId, current, now);
    await req.alongWith?.(tx, updated);
    return updated;
  });
  const summary = summarise(cancelled);
  deps.events.publish(
    'appointment.cancelled',
    req.clinicId,
    { appointment: summary, reason: cancelled.cancelReason },
    now,
  );
  return summary;
}

/** Attended or no-show, once the time has come. */
export async function markAttendance(
  deps: DiaryDeps,
  req: { clinicId: string; appointmentId: string; status: 'attended' | 'no_show'; actor: Actor },
): Promise<AppointmentSummary> {
  const now = deps.clock();
  const updated = await deps.db.prisma.$transaction(async (tx) => {
    // A mistaken mark can be corrected (attended ↔ did not attend); a cancelled appointment stays cancelled.
    const current = await tx.appointment.findFirst({ where: { id: req.appointmentId, clinicId: req.clinicId } });
    if (!current) throw new NotFound('No such appointment');
    if (current.status === 'cancelled')
      throw new Conflict('not_booked', 'This appointment was cancelled; attendance cannot be recorded', 'status');
    if (current.startsAt > now) throw new Conflict('not_yet', 'This appointment has not started yet', 'status');
    const row = await tx.appointment.update({ where: { id: current.id }, data: { status: req.status } });
    await recordAudit(tx, {
      actor: req.actor,
      action: `appointment.${req.status}`,
      clinicId: req.clinicId,
      subject: { type: 'appointment', id: current.id },
    });
    return row;
  });
  const summary = summarise(updated);
  deps.events.publish('appointment.status_changed', req.clinicId, { appointment: summary }, now);
  return summary;
}
