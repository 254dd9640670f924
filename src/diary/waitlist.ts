import { DateTime } from 'luxon';
import { offerByText } from '../texts/waitlist-offers.js';
import type { DiaryDeps } from './booking.js';

interface FreedTime {
  practitionerId: string;
  typeId: string;
  startsAt: Date;
  blockedUntil: Date;
}

/**
 * A cancellation or a move freed a time: name the patient who has waited longest
 * for something that fits there (same practitioner or any, a type that practitioner
 * offers and that fits the freed time, the date inside their range). The dashboard
 * offers it, and texts offer it when the clinic sends texts; nothing is booked without a yes.
 */
export async function offerFreedSlotToWaitlist(deps: DiaryDeps, clinicId: string, freed: FreedTime): Promise<void> {
  const clinic = await deps.prisma.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { timeZone: true } });
  if (freed.startsAt <= deps.clock()) return;
  // @db.Date columns hold the local calendar date at UTC midnight.
  const localDate = new Date(DateTime.fromJSDate(freed.startsAt, { zone: clinic.timeZone }).toISODate() + 'T00:00:00Z');
  const freedMinutes = (freed.blockedUntil.getTime() - freed.startsAt.getTime()) / 60_000;
  const candidates = await deps.prisma.waitlistEntry.findMany({
    where: {
      clinicId,
      resolvedAt: null,
      fromDate: { lte: localDate },
      toDate: { gte: localDate },
      OR: [{ practitionerId: freed.practitionerId }, { practitionerId: null }],
      type: { active: true, practitioners: { some: { practitionerId: freed.practitionerId } } },
    },
    include: { patient: { select: { name: true, phone: true } }, type: { select: { durationMinutes: true, bufferAfterMinutes: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const fitting = candidates.filter((c) => c.type.durationMinutes + c.type.bufferAfterMinutes <= freedMinutes);
  const match = fitting[0];
  if (!match) return;
  // When the clinic sends texts, the longest-waiting few are offered it; the first YES books it.
  await offerByText(deps, clinicId, freed, fitting);
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
