import { DateTime } from 'luxon';
import { NotFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { type JobHandlers, queueJob } from '../jobs/kinds.js';

export interface FreedTime {
  practitionerId: string;
  typeId: string;
  startsAt: Date;
  blockedUntil: Date;
}

/**
 * Queued inside the cancellation's or move's own transaction, so a crash straight
 * after the commit cannot lose the offer. The payload names the time, not a person.
 */
export async function queueWaitlistOffer(
  tx: PrismaTypes.TransactionClient,
  clinicId: string,
  freed: FreedTime,
  now: Date,
): Promise<void> {
  const payload = {
    clinicId,
    practitionerId: freed.practitionerId,
    typeId: freed.typeId,
    startsAt: freed.startsAt.toISOString(),
    blockedUntil: freed.blockedUntil.toISOString(),
  };
  await queueJob(tx, 'waitlist.offer-freed-time', payload, { runAt: now });
}

export interface WaitlistCandidate {
  id: string;
  typeId: string;
  patient: { phone: string | null };
}

/** How the people who fit a freed time are offered it beyond the dashboard (by text, from src/texts): longest waiting first. */
export type OfferFreedTime = (clinicId: string, freed: FreedTime, candidates: WaitlistCandidate[]) => Promise<unknown>;

type WaitlistDeps = Pick<Services, 'db' | 'events' | 'clock'>;

export const waitlistJobs = (
  deps: WaitlistDeps,
  offer: OfferFreedTime,
): Pick<JobHandlers, 'waitlist.offer-freed-time'> => ({
  'waitlist.offer-freed-time': async (p) => {
    await offerFreedSlotToWaitlist(
      deps,
      p.clinicId,
      {
        practitionerId: p.practitionerId,
        typeId: p.typeId,
        startsAt: new Date(p.startsAt),
        blockedUntil: new Date(p.blockedUntil),
      },
      offer,
    );
  },
});

/**
 * A cancellation or a move freed a time: name the patient who has waited longest
 * for something that fits there (same practitioner or any, a type that practitioner
 * offers and that fits the freed time, the date inside their range). The dashboard
 * offers it, and texts offer it when the clinic sends texts; nothing is booked without a yes.
 */
export async function offerFreedSlotToWaitlist(
  deps: WaitlistDeps,
  clinicId: string,
  freed: FreedTime,
  offer: OfferFreedTime,
): Promise<void> {
  const clinic = await deps.db.prisma.clinic.findUnique({ where: { id: clinicId }, select: { timeZone: true } });
  if (!clinic || freed.startsAt <= deps.clock()) return; // the clinic closed meanwhile, or the time has passed
  // @db.Date columns hold the local calendar date at UTC midnight.
  const localDate = new Date(DateTime.fromJSDate(freed.startsAt, { zone: clinic.timeZone }).toISODate() + 'T00:00:00Z');
  const freedMinutes = (freed.blockedUntil.getTime() - freed.startsAt.getTime()) / 60_000;
  const candidates = await deps.db.prisma.waitlistEntry.findMany({
    where: {
      clinicId,
      resolvedAt: null,
      fromDate: { lte: localDate },
      toDate: { gte: localDate },
      OR: [{ practitionerId: freed.practitionerId }, { practitionerId: null }],
      type: { active: true, practitioners: { some: { practitionerId: freed.practitionerId } } },
    },
    include: {
      patient: { select: { name: true, phone: true } },
      type: { select: { durationMinutes: true, bufferAfterMinutes: true } },
    },
    orderBy: { createdAt: 'asc' },
  });
  const fitting = candidates.filter((c) => c.type.durationMinutes + c.type.bufferAfterMinutes <= freedMinutes);
  const match = fitting[0];
  if (!match) return;
  // When the clinic sends texts, the longest-waiting few are offered it; the first YES books it.
  await offer(clinicId, freed, fitting);
  deps.events.publish('waitlist.match', clinicId, {
    waitlistEntryId: match.id,
    patientId: match.patientId,
    patientName: match.patient.name,
    slot: {
      practitionerId: freed.practitionerId,
      typeId: match.typeId,
      startsAt: freed.startsAt.toISOString(),
      endsAt: new Date(freed.startsAt.getTime() + match.type.durationMinutes * 60_000).toISOString(),
    },
  });
}

/** Who is waiting, longest first, with what for and with whom. */
export async function waitingList(prisma: Prisma, clinicId: string) {
  const rows = await prisma.waitlistEntry.findMany({
    where: { clinicId, resolvedAt: null },
    include: {
      patient: { select: { id: true, name: true, phone: true } },
      type: { select: { id: true, name: true } },
      practitioner: { select: { id: true, name: true } },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((w) => ({
    ...w,
    fromDate: w.fromDate.toISOString().slice(0, 10),
    toDate: w.toDate.toISOString().slice(0, 10),
  }));
}

/**
 * A booking made for someone on the waiting list takes them off it in the booking's own
 * transaction (`alongWith`): booked and off the list together, or neither. An entry that
 * is not that patient's, or already off the list, refuses the booking.
 */
export const resolvingEntry =
  (entry: { id: string; clinicId: string; patientId: string }, now: Date) =>
  async (tx: PrismaTypes.TransactionClient): Promise<void> => {
    const done = await tx.waitlistEntry.updateMany({
      where: { id: entry.id, clinicId: entry.clinicId, patientId: entry.patientId, resolvedAt: null },
      data: { resolvedAt: now },
    });
    if (done.count === 0) throw new NotFound("No such waiting-list entry of this patient's", 'waitlistEntryId');
  };

/** Puts a patient on the waiting list for a type (and a practitioner, or any) between two local dates. */
export async function addToWaitingList(
  prisma: Prisma,
  clinicId: string,
  input: { patientId: string; typeId: string; practitionerId?: string | null; fromDate: string; toDate: string },
) {
  const [patient, type, practitioner] = await Promise.all([
    prisma.patient.findFirst({ where: { id: input.patientId, clinicId } }),
    prisma.appointmentType.findFirst({ where: { id: input.typeId, clinicId } }),
    input.practitionerId
      ? prisma.practitioner.findFirst({ where: { id: input.practitionerId, clinicId } })
      : Promise.resolve(true),
  ]);
  if (!patient) throw new NotFound('No such patient', 'patientId');
  if (!type) throw new NotFound('No such appointment type', 'typeId');
  if (!practitioner) throw new NotFound('No such practitioner', 'practitionerId');
  return prisma.waitlistEntry.create({
    data: {
      clinicId,
      patientId: input.patientId,
      typeId: input.typeId,
      practitionerId: input.practitionerId ?? null,
      fromDate: new Date(input.fromDate),
      toDate: new Date(input.toDate),
    },
  });
}

/** Takes someone off the waiting list (they were booked, or no longer wait). */
export async function leaveWaitingList(prisma: Prisma, clinicId: string, entryId: string, now: Date): Promise<void> {
  const done = await prisma.waitlistEntry.updateMany({
    where: { id: entryId, clinicId, resolvedAt: null },
    data: { resolvedAt: now },
  });
  if (done.count === 0) throw new NotFound('No such waitlist entry');
}
