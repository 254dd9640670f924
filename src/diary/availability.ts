// Loads what findFreeSlots needs from the database, a window at a time.
import { DateTime } from 'luxon';
import type { Prisma } from '../db/database.js';
import { findFreeSlots, type Interval, type Slot } from './slots.js';
import { NotFound } from '../core/errors.js';
import type { MinuteWindow } from '../contracts/parts-of-day.js';

export interface SlotRequest {
  clinicId: string;
  typeId: string;
  practitionerId?: string;
  /** Any of these practitioners ("a doctor"); unknown ones are ignored. */
  practitionerIds?: readonly string[];
  limit: number;
  after?: Date;
  /** Only slots starting before this instant. */
  before?: Date;
  /** Only slots on these local dates of the clinic (both included). */
  dates?: { from?: string; to?: string };
  /** Only slots starting within this window of the clinic's day. */
  minutes?: MinuteWindow;
  /** Phone bookings keep the clinic's minimum notice; staff may book sooner. */
  applyNotice: boolean;
  now: Date;
  /** Check only hours, closures and rules: overlaps are the database constraint's to refuse. */
  ignoreAppointments?: boolean;
}

const toInterval = (a: { startsAt: Date; blockedUntil?: Date; endsAt: Date }): Interval => ({
  start: a.startsAt.getTime(),
  end: (a.blockedUntil ?? a.endsAt).getTime(),
});

/** The next free slots for an appointment type, optionally with one practitioner. */
export async function nextFreeSlots(prisma: Prisma, req: SlotRequest): Promise<Slot[]> {
  const clinic = await prisma.clinic.findUniqueOrThrow({
    where: { id: req.clinicId },
    select: { timeZone: true, minNoticeMinutes: true, horizonDays: true },
  });
  const type = await prisma.appointmentType.findFirst({
    where: { id: req.typeId, clinicId: req.clinicId, active: true },
    select: {
      durationMinutes: true,
      bufferAfterMinutes: true,
      practitioners: {
        where: { practitioner: { active: true } },
        select: { practitioner: { select: { id: true, name: true, workingHours: true } } },
      },
    },
  });
  if (!type) throw new NotFound('No such appointment type', 'typeId');
  let practitioners = type.practitioners.map((p) => p.practitioner).sort((a, b) => a.name.localeCompare(b.name));
  if (req.practitionerId) {
    practitioners = practitioners.filter((p) => p.id === req.practitionerId);
    if (practitioners.length === 0)
      throw new NotFound('No such practitioner offering this appointment type', 'practitionerId');
  }
  if (req.practitionerIds) practitioners = practitioners.filter((p) => req.practitionerIds!.includes(p.id));
  const ids = practitioners.map((p) => p.id);
  const notice = req.applyNotice ? clinic.minNoticeMinutes : 0;
  const local = (date: string) => DateTime.fromISO(date, { zone: clinic.timeZone }).startOf('day');
  const after = Math.max(req.after?.getTime() ?? 0, req.dates?.from ? local(req.dates.from).toMillis() : 0);
  const before = Math.min(
    req.before?.getTime() ?? Infinity,
    req.dates?.to ? local(req.dates.to).plus({ days: 1 }).startOf('day').toMillis() : Infinity,
  );
  const from = new Date(Math.max(req.now.getTime() + notice * 60_000, after));
  const horizonEnd = Math.min(req.now.getTime() + clinic.horizonDays * 86_400_000, before);

  // Most answers lie in the next days: load two weeks of diary, and widen only when they do not.
  for (let days = 14; ; days *= 2) {
    const until = new Date(Math.min(horizonEnd, from.getTime() + days * 86_400_000));
    // A slot starting just before `until` may run past it: load a day beyond.
    const loadUntil = new Date(until.getTime() + 86_400_000);
    const [appointments, closures] = await Promise.all([
      req.ignoreAppointments
        ? []
        : prisma.appointment.findMany({
            where: {
              practitionerId: { in: ids },
              status: { not: 'cancelled' },
              startsAt: { lt: loadUntil },
              blockedUntil: { gt: from },
            },
            select: { practitionerId: true, startsAt: true, endsAt: true, blockedUntil: true },
            orderBy: { startsAt: 'asc' },
          }),
      prisma.closure.findMany({
        where: { clinicId: req.clinicId, startsAt: { lt: loadUntil }, endsAt: { gt: from } },
        select: { practitionerId: true, startsAt: true, endsAt: true },
      }),
    ]);
    const slots = findFreeSlots({
      timeZone: clinic.timeZone,
      now: req.now,
      minNoticeMinutes: notice,
      horizonDays: (until.getTime() - req.now.getTime()) / 86_400_000,
      durationMinutes: type.durationMinutes,
      bufferAfterMinutes: type.bufferAfterMinutes,
      practitioners: practitioners.map((p) => ({
        id: p.id,
        hours: p.workingHours,
        busy: appointments.filter((a) => a.practitionerId === p.id).map(toInterval),
        closures: closures.filter((c) => c.practitionerId === p.id).map(toInterval),
      })),
      clinicClosures: closures.filter((c) => c.practitionerId === null).map(toInterval),
      limit: req.limit,
      after: after > 0 ? new Date(after) : undefined,
      before: before < Infinity ? new Date(before) : undefined,
      minutes: req.minutes,
    });
    if (slots.length >= req.limit || until.getTime() >= horizonEnd) return slots;
  }
}
