// Reception's hours as the database holds them: the clinic's weekly hours and its
// whole-clinic closures still to come, ready for the pure rules in diary/opening-hours.ts.
import type { Prisma } from '../db/database.js';
import type { ReceptionHours } from '../diary/opening-hours.js';

export async function loadReceptionHours(
  prisma: Prisma,
  clinic: { id: string; timeZone: string },
  now: Date,
): Promise<ReceptionHours> {
  const [hours, closures] = await Promise.all([
    prisma.openingHours.findMany({ where: { clinicId: clinic.id } }),
    prisma.closure.findMany({ where: { clinicId: clinic.id, practitionerId: null, endsAt: { gt: now } } }),
  ]);
  return {
    timeZone: clinic.timeZone,
    hours,
    closures: closures.map((c) => ({ start: c.startsAt.getTime(), end: c.endsAt.getTime() })),
  };
}
