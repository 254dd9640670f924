// The diary as the desk reads it: a day's or a week's appointments, closures and
// working time, in the clinic's local time.
import { DateTime } from 'luxon';
import type { Prisma } from '../db/database.js';
import { LocalDay, type WeeklyRange } from './local-time.js';

/** An appointment as the dashboard shows it: the buffer after it is the diary's business. */
export const presentAppointment = <A extends { blockedUntil: Date }>({ blockedUntil: _buffer, ...a }: A) => a;

export interface DiaryQuery {
  date: string;
  view: 'day' | 'week';
  /** Only these practitioners (none: everyone active, and anyone with an appointment in the range). */
  practitionerIds?: readonly string[];
  /** Cancelled appointments too, marked so (the calendar shows them struck through). */
  includeCancelled?: boolean;
}

/**
 * When each practitioner works on each local day from `start` to `end` (start of
 * a day each), as instants: the calendar shades everything else. Computed on the
 * clinic's local days, so a 09:00 start stays 09:00 across a clock change.
 */
export function workingTime(
  practitioners: ReadonlyArray<{ id: string; workingHours: readonly WeeklyRange[] }>,
  start: DateTime,
  end: DateTime,
): Array<{ practitionerId: string; date: string; startsAt: Date; endsAt: Date }> {
  const out: Array<{ practitionerId: string; date: string; startsAt: Date; endsAt: Date }> = [];
  for (let day = new LocalDay(start); day.date < end; day = day.next()) {
    const date = day.date.toISODate()!;
    for (const p of practitioners)
      for (const range of [...p.workingHours].sort((a, b) => a.startMinute - b.startMinute))
        if (range.weekday === day.weekday)
          out.push({
            practitionerId: p.id,
            date,
            startsAt: new Date(day.atOrAfter(range.startMinute)),
            endsAt: new Date(day.atOrAfter(range.endMinute)),
          });
  }
  return out;
}

export async function diaryView(prisma: Prisma, clinic: { id: string; timeZone: string }, q: DiaryQuery) {
  const from = DateTime.fromISO(q.date, { zone: clinic.timeZone }).startOf(q.view === 'week' ? 'week' : 'day');
  const to = from.plus(q.view === 'week' ? { weeks: 1 } : { days: 1 });
  const range = { gte: from.toJSDate(), lt: to.toJSDate() };
  const chosen = q.practitionerIds?.length ? { id: { in: [...q.practitionerIds] } } : null;
  const [appointments, closures, staff] = await Promise.all([
    prisma.appointment.findMany({
      where: {
        clinicId: clinic.id,
        startsAt: range,
        ...(q.includeCancelled ? {} : { status: { not: 'cancelled' } }),
        ...(chosen ? { practitionerId: chosen.id } : {}),
      },
      include: {
        patient: { select: { id: true, name: true } },
        type: { select: { id: true, name: true } },
        practitioner: { select: { id: true, name: true } },
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    }),
    prisma.closure.findMany({
      where: {
        clinicId: clinic.id,
        startsAt: { lt: range.lt },
        endsAt: { gt: range.gte },
        ...(chosen ? { OR: [{ practitionerId: null }, { practitionerId: chosen.id }] } : {}),
      },
      orderBy: { startsAt: 'asc' },
    }),
    prisma.practitioner.findMany({
      where: { clinicId: clinic.id, ...(chosen ?? { active: true }) },
      select: { id: true, name: true, workingHours: { select: { weekday: true, startMinute: true, endMinute: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    }),
  ]);
  // Someone who left keeps a column on the days they still have appointments.
  const shown = new Set(staff.map((p) => p.id));
  const leavers = new Map(
    appointments.filter((a) => !shown.has(a.practitionerId)).map((a) => [a.practitioner.id, a.practitioner]),
  );
  const days: string[] = [];
  for (let d = from; d < to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return {
    timeZone: clinic.timeZone,
    from: from.toISO(),
    to: to.toISO(),
    days,
    practitioners: [...staff.map(({ id, name }) => ({ id, name })), ...leavers.values()],
    working: workingTime(staff, from, to),
    appointments: appointments.map(presentAppointment),
    closures,
  };
}
