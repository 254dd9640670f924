// Reception in its hours (the queue, the desk phone or voicemail), and outside them
// the next opening said aloud before the caller chooses a message or booking.
import { isOpenAt, nextOpening } from '../diary/opening-hours.js';
import { toReception } from '../reception/queue.js';
import { speakDateTime } from '../voice/speech.js';
import type { Ivr } from './phone.js';

async function receptionHours(ivr: Ivr) {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  const [hours, closures] = await Promise.all([
    prisma.openingHours.findMany({ where: { clinicId: ivr.call.clinic.id } }),
    prisma.closure.findMany({ where: { clinicId: ivr.call.clinic.id, practitionerId: null, endsAt: { gt: now } } }),
  ]);
  return {
    timeZone: ivr.call.clinic.timeZone,
    hours,
    closures: closures.map((c) => ({ start: c.startsAt.getTime(), end: c.endsAt.getTime() })),
  };
}

/** In opening hours, reception (queue, desk phone or voicemail); outside them, the next opening, then a message or booking. */
export async function reception(ivr: Ivr): Promise<string> {
  const hours = await receptionHours(ivr);
  const now = ivr.deps.clock();
  if (isOpenAt(now, hours)) return toReception(ivr);
  await ivr.setOutcome('out_of_hours');
  const next = nextOpening(now, hours);
  ivr.say(
    next
      ? `Reception is closed at the moment. We open again ${speakDateTime(next, ivr.speakOptions())}.`
      : 'Reception is not taking calls at the moment.',
  );
  return ivr.ask(
    ivr.url('closed'),
    'To leave a message for the clinic, press 1. To book an appointment, press 2.',
    ivr.url('goodbye'),
  );
}
