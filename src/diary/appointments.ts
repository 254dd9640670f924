// The diary as the desk reads it: a day's or a week's appointments and closures, in the
// clinic's local time.
import { DateTime } from 'luxon';
import type { Prisma } from '../db/database.js';

/** An appointment as the dashboard shows it: the buffer after it is the diary's business. */
export const presentAppointment = <A extends { blockedUntil: Date }>({ blockedUntil: _buffer, ...a }: A) => a;

export async function diaryView(
  prisma: Prisma,
  clinic: { id: string; timeZone: string },
  q: { date: string; view: 'day' | 'week'; practitionerId?: string },
) {
  const from = DateTime.fromISO(q.date, { zone: clinic.timeZone }).startOf(q.view === 'week' ? 'week' : 'day');
  const to = from.plus(q.view === 'week' ? { weeks: 1 } : { days: 1 });
  const range = { gte: from.toJSDate(), lt: to.toJSDate() };
  const [appointments, closures] = await Promise.all([
    prisma.appointment.findMany({
      where: {
        clinicId: clinic.id,
        startsAt: range,
        status: { not: 'cancelled' },
        ...(q.practitionerId ? { practitionerId: q.practitionerId } : {}),
      },
      include: {
        patient: { select: { id: true, name: true } },
        type: { select: { id: true, name: true } },
        practitioner: { select: { id: true, name: true } },
      },
      orderBy: { startsAt: 'asc' },
    }),
    prisma.closure.findMany({
      where: { clinicId: clinic.id, startsAt: { lt: range.lt }, endsAt: { gt: range.gte } },
      orderBy: { startsAt: 'asc' },
    }),
  ]);
  return {
    timeZone: clinic.timeZone,
    from: from.toISO(),
    to: to.toISO(),
    appointments: appointments.map(presentAppointment),
    closures,
  };
}
