// A freed time offered by text to the people waiting for one; the first to reply
// YES gets it. The booking goes through the diary engine, so the appointment
// constraint — not the order replies happen to be read in — decides who was first.
import { isE164 } from '../core/validation.js';
import twilio from 'twilio';
import type { Services } from '../core/services.js';
import { nextFreeSlots } from '../diary/availability.js';
import { bookAppointment, type DiaryDeps, SlotTakenError } from '../diary/booking.js';
import { Conflict, NotFound } from '../core/errors.js';
import type { FreedTime, WaitlistCandidate } from '../diary/waitlist.js';
import { textDateTime } from './appointment-texts.js';
import { queueText } from './texts.js';

const MAX_OFFERS = 3;
const OFFER_HOURS = 24;

/** Texts the freed time to the longest-waiting candidates who have a number; how many were texted (an offer made before is not made again). */
export async function offerByText(
  deps: Pick<Services, 'db' | 'clock'>,
  clinicId: string,
  slot: FreedTime,
  candidates: WaitlistCandidate[],
): Promise<number> {
  const clinic = await deps.db.prisma.clinic.findUniqueOrThrow({
    where: { id: clinicId },
    select: { name: true, timeZone: true, locale: true, textMessages: true },
  });
  if (!clinic.textMessages) return 0;
  const practitioner = await deps.db.prisma.practitioner.findUniqueOrThrow({
    where: { id: slot.practitionerId },
    select: { spokenName: true },
  });
  const when = textDateTime(slot.startsAt, clinic.timeZone, clinic.locale);
  let offered = 0;
  for (const c of candidates.filter((c) => c.patient.phone).slice(0, MAX_OFFERS)) {
    await deps.db.prisma.$transaction(async (tx) => {
      const made = await tx.waitlistOffer.createMany({
        data: [
          {
            clinicId,
            waitlistEntryId: c.id,
            practitionerId: slot.practitionerId,
            typeId: c.typeId,
            startsAt: slot.startsAt,
            toNumber: c.patient.phone!,
            createdAt: deps.clock(),
          },
        ],
        skipDuplicates: true,
      });
      if (made.count === 0) return;
      offered++;
      await queueText(tx, {
        clinicId,
        kind: 'waitlist_offer',
        to: c.patient.phone,
        body: `${clinic.name}: an appointment with ${practitioner.spokenName} is free on ${when}. Reply YES to take it.`,
      });
    });
  }
  return offered;
}

/**
 * The desk offers one person on the waiting list a time it found for them: texted as a
 * freed time would be (the first YES books it). The time must be free now, for their
 * type, with a practitioner who offers it.
 */
export async function offerTimeToEntry(
  deps: Pick<Services, 'db' | 'clock'>,
  clinicId: string,
  entryId: string,
  slot: { practitionerId: string; startsAt: Date },
): Promise<{ offered: boolean }> {
  const { prisma } = deps.db;
  const [clinic, entry] = await Promise.all([
    prisma.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: { textMessages: true } }),
    prisma.waitlistEntry.findFirst({
      where: { id: entryId, clinicId, resolvedAt: null },
      include: {
        patient: { select: { phone: true } },
        type: { select: { durationMinutes: true, bufferAfterMinutes: true } },
      },
    }),
  ]);
  if (!entry) throw new NotFound('No such waiting-list entry');
  if (!clinic.textMessages) throw new Conflict('texts_off', 'This clinic does not send texts: ring them instead.');
  if (!entry.patient.phone) throw new Conflict('no_number', 'This patient has no number to text: ring them instead.');
  const free = await nextFreeSlots(prisma, {
    clinicId,
    typeId: entry.typeId,
    practitionerId: slot.practitionerId,
    limit: 1,
    after: slot.startsAt,
    before: new Date(slot.startsAt.getTime() + 1),
    applyNotice: false,
    now: deps.clock(),
  });
  if (free.length === 0) throw new Conflict('slot_taken', 'That time is no longer free.', 'startsAt');
  const offered = await offerByText(
    deps,
    clinicId,
    {
      practitionerId: slot.practitionerId,
      typeId: entry.typeId,
      startsAt: slot.startsAt,
      blockedUntil: new Date(
        slot.startsAt.getTime() + (entry.type.durationMinutes + entry.type.bufferAfterMinutes) * 60_000,
      ),
    },
    [entry],
  );
  // Offered before (the same time twice): not texted again.
  return { offered: offered > 0 };
}

/** Messaging TwiML: the reply to send, or none. */
export const textReply = (text?: string) => {
  const response = new twilio.twiml.MessagingResponse();
  if (text) response.message(text);
  return response.toString();
};

/** An incoming text to a clinic's number (Twilio's messaging webhook). Answers with the reply to send. */
export async function inboundText(deps: DiaryDeps, body: Record<string, string | undefined>): Promise<string> {
  const { prisma } = deps.db;
  const now = deps.clock();
  // Twilio sends both numbers in E.164; anything else (a NUL byte the database refuses, say) is not a text to answer.
  if (!isE164(body.To) || !isE164(body.From)) return textReply();
  const number = await prisma.clinicNumber.findUnique({ where: { e164: body.To }, select: { clinicId: true } });
  if (!number) return textReply();
  const offer = await prisma.waitlistOffer.findFirst({
    where: {
      clinicId: number.clinicId,
      toNumber: body.From,
      createdAt: { gte: new Date(now.getTime() - OFFER_HOURS * 3_600_000) },
    },
    orderBy: { createdAt: 'desc' },
    include: {
      entry: { select: { patientId: true } },
      clinic: { select: { name: true, timeZone: true, locale: true } },
    },
  });
  if (!offer) return textReply();
  const when = textDateTime(offer.startsAt, offer.clinic.timeZone, offer.clinic.locale);
  if (offer.status === 'accepted') return textReply(`${offer.clinic.name}: you are booked for ${when}.`); // Twilio repeated the webhook
  if (!/^\s*yes\b/i.test(body.Body ?? ''))
    return textReply(`${offer.clinic.name}: reply YES to take ${when}, or call us.`);
  if (offer.status !== 'offered' || offer.startsAt <= now)
    return textReply(`${offer.clinic.name}: sorry, that time has been taken. You are still on our waiting list.`);
  try {
    // The offer is settled in the booking's own transaction: booked and accepted together, or neither.
    await bookAppointment(deps, {
      clinicId: offer.clinicId,
      practitionerId: offer.practitionerId,
      typeId: offer.typeId,
      patientId: offer.entry.patientId,
      startsAt: offer.startsAt,
      source: 'text',
      actor: { type: 'system' },
      alongWith: async (tx, booked) => {
        await tx.waitlistOffer.update({
          where: { id: offer.id },
          data: { status: 'accepted', answeredAt: now, appointmentId: booked.id },
        });
        await tx.waitlistOffer.updateMany({
          where: {
            clinicId: offer.clinicId,
            practitionerId: offer.practitionerId,
            startsAt: offer.startsAt,
            status: 'offered',
          },
          data: { status: 'taken' },
        });
        await tx.waitlistEntry.update({ where: { id: offer.waitlistEntryId }, data: { resolvedAt: now } });
      },
    });
    return textReply(`${offer.clinic.name}: you are booked for ${when}. To change it, call us.`);
  } catch (err) {
    if (!(err instanceof SlotTakenError)) throw err;
    await prisma.waitlistOffer.update({ where: { id: offer.id }, data: { status: 'taken', answeredAt: now } });
    return textReply(`${offer.clinic.name}: sorry, that time has just been taken. You are still on our waiting list.`);
  }
}
