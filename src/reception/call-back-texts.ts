// The heads-up text a caller gets when they ask from the queue to be called back (when
// the clinic sends texts and the number takes them), and their reply to it: NO cancels
// the call-back. Not CANCEL or STOP as the word to ask for: carriers and Twilio take those
// as opting out of every text from the number, confirmations included (a CANCEL that comes
// anyway still cancels the call-back: that is what the patient meant).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isE164 } from '../core/validation.js';
import type { Prisma } from '../db/database.js';
import { queueText } from '../texts/texts.js';
import { textReply } from '../texts/waitlist-offers.js';
import { type CallBackDeps, cancelPendingCallBacks } from './call-backs.js';

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/**
 * Whether a number may take a text: not one known to be a landline or a service number.
 * Numbers the metadata cannot place (Ofcom's drama range 07700 900xxx, new ranges) are
 * tried: Twilio refuses what cannot take a text, and the text is marked failed.
 */
export function takesTexts(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** The clinic's number as its own callers write it: national form for a number in the same country, else international. */
function writtenNumber(e164: string, ringNumber: string): string {
  const clinic = parsePhoneNumberFromString(e164);
  if (!clinic) return e164;
  const sameCountry = parsePhoneNumberFromString(ringNumber)?.countryCallingCode === clinic.countryCallingCode;
  return sameCountry ? clinic.formatNational() : clinic.formatInternational();
}

/** The text's words: who will call, from which number, roughly when, and how to call it off. */
export function headsUpText(input: { clinicName: string; clinicNumber: string; ringNumber: string; when: string }) {
  return `${input.clinicName}: we will call you back ${input.when}, from ${writtenNumber(input.clinicNumber, input.ringNumber)}. You keep your place in the queue. If you no longer need the call, reply NO.`;
}

/** Queues the heads-up for one request (once per call that asked), when the clinic sends texts and the number takes them. */
export async function queueHeadsUp(
  tx: Tx,
  input: { clinicId: string; callId: string; ringNumber: string; when: string },
): Promise<void> {
  if (!takesTexts(input.ringNumber)) return;
  const clinic = await tx.clinic.findUnique({
    where: { id: input.clinicId },
    select: { name: true, numbers: { select: { e164: true }, orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  const from = clinic?.numbers[0]?.e164;
  if (!clinic || !from) return;
  await queueText(tx, {
    clinicId: input.clinicId,
    kind: 'call_back',
    to: input.ringNumber,
    body: headsUpText({ clinicName: clinic.name, clinicNumber: from, ringNumber: input.ringNumber, when: input.when }),
    dedupeKey: `call_back:${input.callId}`,
  });
}

/** "NO", "no thanks", "cancel the call back", "don't call": a reply that calls the call-back off. Pure. */
export function cancelsByText(text: string): boolean {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  return /^(no|nope|no thanks?( you)?|no,? thanks?( you)?|cancel( (the|my))?( call ?-?back)?|(please )?(don'?t|do not) (call|ring)( me)?( back)?( please)?|no longer needed|not needed( any ?more)?|i no longer need (it|the call|a call ?back))$/.test(
    t,
  );
}

const CANCELLED = (clinicName: string) => `${clinicName}: your call-back is cancelled. Call us any time you need us.`;

/**
 * An incoming text that answers a heads-up: when the last text this clinic sent the number
 * that could be answered was a call-back's heads-up (not a waiting-list offer, whose reader
 * comes next), a NO closes the number's call-backs still to be rung. Null when the text is
 * not such an answer.
 */
export async function callBackReply(
  deps: CallBackDeps,
  body: Record<string, string | undefined>,
): Promise<string | null> {
  if (!isE164(body.To) || !isE164(body.From) || !cancelsByText(body.Body ?? '')) return null;
  const { prisma } = deps.db;
  const number = await prisma.clinicNumber.findUnique({
    where: { e164: body.To },
    select: { clinicId: true, clinic: { select: { name: true } } },
  });
  if (!number) return null;
  const last = await prisma.textMessage.findFirst({
    where: { clinicId: number.clinicId, toNumber: body.From, kind: { in: ['call_back', 'waitlist_offer'] } },
    orderBy: { createdAt: 'desc' },
    select: { kind: true },
  });
  if (last?.kind !== 'call_back') return null;
  const closed = await cancelPendingCallBacks(deps, { clinicId: number.clinicId, ringNumber: body.From });
  if (closed > 0) return textReply(CANCELLED(number.clinic.name));
  // Nothing left to close: cancelled already (Twilio repeated the text), or the ring is under way.
  const entry = await prisma.callBack.findFirst({
    where: {
      clinicId: number.clinicId,
      requestedInQueue: true,
      ringNumber: body.From,
    },
    orderBy: { createdAt: 'desc' },
    select: { ringState: true, closedBecause: true },
  });
  if (entry?.ringState === 'ringing') return textReply(`${number.clinic.name}: we are ringing you now.`);
  if (entry?.closedBecause === 'cancelled_by_patient') return textReply(CANCELLED(number.clinic.name));
  return textReply();
}

/**
 * A call-back was cancelled from the phone: the number it would have rung is told, so a
 * cancel made by someone else presenting that caller ID does not go unnoticed.
 */
export async function queueCancelledText(tx: Tx, input: { clinicId: string; ringNumber: string }): Promise<void> {
  if (!takesTexts(input.ringNumber)) return;
  const clinic = await tx.clinic.findUnique({ where: { id: input.clinicId }, select: { name: true } });
  if (!clinic) return;
  await queueText(tx, {
    clinicId: input.clinicId,
    kind: 'call_back',
    to: input.ringNumber,
    body: `${clinic.name}: your call-back was cancelled by phone. If that was not you, please call us.`,
  });
}
