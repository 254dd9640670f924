// Call-back in the queue: a caller who has waited long enough (or finds a long queue)
// may press 1 to keep their place and be rung back. They leave Twilio's queue, confirm
// the number (their caller ID, or one they key), hear roughly when, and hang up; the
// entry keeps the time they first joined the queue, which is their place.
import type { Prisma } from '../db/database.js';
import { normalisePhone } from '../diary/patients.js';
import { addCallEvent } from '../calls/call-events.js';
import type { CallStep, Params } from '../voice/call-step.js';
import type { StepQuery } from '../voice/steps.js';
import { joinsOpenEntry } from './call-backs.js';
import { expectedWaitSeconds } from './wait-estimate.js';
import { DateTime } from 'luxon';
import { closesForTheDay, nextOpening } from '../diary/opening-hours.js';
import { speakClock, speakDateTime } from '../voice/speech.js';
import { queueHeadsUp } from './call-back-texts.js';
import { callBackWindow, WINDOW_BEFORE_CLOSE_MS } from './call-back-window.js';
import { loadReceptionHours } from './hours.js';

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

// Twilio's own hold music, published for exactly this use.
export const HOLD_MUSIC_URL = 'https://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3';

/** With more callers ahead than this, the call-back is offered at once. */
export const OFFER_AT_ONCE_AHEAD = 5;

/** Whether a queued caller is offered a call-back now (the clinic offers it, and they waited long enough or the queue is long). */
export function offersCallBack(afterSeconds: number | null, position: number, waitedSeconds: number): boolean {
  if (afterSeconds === null) return false;
  return waitedSeconds >= afterSeconds || position - 1 > OFFER_AT_ONCE_AHEAD;
}

export const CALL_BACK_OFFER = 'To keep your place in the queue and be called back, press 1.';

/** "the number ending 1 2 3": the last three digits, one at a time. */
const ending = (e164: string) => `the number ending ${e164.slice(-3).split('').join(' ')}`;
/** A whole number read back digit by digit, in the clinic's national form where it has one. */
const digitByDigit = (e164: string, locale: string) => {
  const national = e164.startsWith('+44') && locale === 'en-GB' ? `0${e164.slice(3)}` : e164.replace(/^\+1/, '');
  return national.split('').join(' ');
};

/**
 * A keyed number the clinic will ring: a possible number in the clinic's own country, not
 * a premium, shared-cost or personal one (a caller must not make the clinic ring up a bill).
 */
export function ringableNumber(digits: string, locale: string): string | undefined {
  const number = normalisePhone(digits, locale);
  if (!number) return undefined;
  const country = locale.split('-')[1]?.toUpperCase();
  if (country === 'GB' && !/^\+44(1|2|3|7[1-57-9])/.test(number)) return undefined;
  if (country === 'US' && (!number.startsWith('+1') || /^\+1(900|976)/.test(number))) return undefined;
  return number;
}

/** This clinic's callers answered from the queue or at the desk in the last two hours (the pace the estimates work from). */
export async function recentlyAnswered(ivr: CallStep) {
  const since = new Date(ivr.deps.clock().getTime() - 2 * 3_600_000);
  const recent = await ivr.deps.db.prisma.call.findMany({
    where: {
      clinicId: ivr.call.clinic.id,
      queuedAt: { gte: since },
      answeredAt: { not: null },
      queueStatus: 'answered',
    },
    select: { queuedAt: true, answeredAt: true },
    take: 50,
    orderBy: { queuedAt: 'desc' },
  });
  return recent.map((c) => ({ queuedAt: c.queuedAt!, answeredAt: c.answeredAt! }));
}

/**
 * The wait URL's answer while the call-back stands offered: `said` (the place, the offer)
 * and the music, during which a key at any moment takes the offer (keys only: the music
 * would be heard as speech).
 */
export function callBackOffer(ivr: CallStep, said: string): string {
  const gather = ivr.response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 1,
    action: ivr.url('queue/call-back'),
    method: 'POST',
  });
  if (said) gather.say(ivr.voice, `${said} ${CALL_BACK_OFFER}`);
  gather.play({}, HOLD_MUSIC_URL);
  return ivr.twiml();
}

/**
 * The key pressed while waiting: 1 takes the offer and leaves Twilio's queue for the
 * <Enqueue> action; another key is told what the keys do, and the offer stands.
 */
export async function callBackPressed(ivr: CallStep, _q: StepQuery<'queue/call-back'>, body: Params): Promise<string> {
  if (body.Digits !== '1') return callBackOffer(ivr, 'Please keep holding.');
  const state = ivr.state();
  await ivr.saveState({ ...state, wantsCallBack: true });
  ivr.response.leave();
  return ivr.twiml();
}

/** Out of the queue with the wish to be rung back: confirm the caller ID, or ask for a number. */
export async function startCallBack(ivr: CallStep): Promise<string> {
  const moved = await ivr.deps.db.prisma.call.updateMany({
    where: { id: ivr.call.id, queueStatus: 'waiting' },
    data: { queueStatus: 'confirming' },
  });
  if (moved.count === 0) {
    const now = await ivr.deps.db.prisma.call.findUniqueOrThrow({
      where: { id: ivr.call.id },
      select: { queueStatus: true },
    });
    if (now.queueStatus !== 'confirming') return ivr.goodbye();
  }
  return askNumber(ivr, '1');
}

function askNumber(ivr: CallStep, attempt: string): string {
  const from = ivr.call.fromNumber;
  if (joinsOpenEntry(from))
    return ivr.ask(
      ivr.url('queue/call-back-number', { attempt }),
      `We will call you back on ${ending(from)}. To confirm, press 1. To give another number, press 2.`,
      ivr.url('queue/call-back-number', { attempt, silence: '1' }),
    );
  return keyNumber(ivr, attempt);
}

function keyNumber(ivr: CallStep, attempt: string): string {
  return ivr.ask(
    ivr.url('queue/call-back-number', { attempt, keying: '1' }),
    'Please key the number to call you back on, then press the hash key.',
    ivr.url('queue/call-back-number', { attempt, keying: '1', silence: '1' }),
    { digits: 15 },
  );
}

/**
 * The answer about the number: 1 confirms (the caller ID, or the number just read back),
 * 2 asks for another, keyed digits are read back for a 1. Three tries, then the caller
 * is kept on the call-back list as one who gave up waiting.
 */
export async function callBackNumber(
  ivr: CallStep,
  q: StepQuery<'queue/call-back-number'>,
  body: Params,
): Promise<string> {
  const heard = ivr.hear(body, 'yesno', q.silence);
  const attempt = Number(q.attempt ?? '1');
  const state = ivr.state();
  const retry = () => {
    if (attempt >= 3) {
      ivr.say("Sorry, I couldn't take the number. We'll still call you back on the number you called from if we can.");
      return ivr.goodbye();
    }
    return state.callBackNumber
      ? confirmKeyed(ivr, state.callBackNumber, String(attempt + 1))
      : q.keying
        ? keyNumber(ivr, String(attempt + 1))
        : askNumber(ivr, String(attempt + 1));
  };
  if (heard.silent) return retry();
  const yes = heard.digits === '1' || heard.understood?.intent === 'yes';
  const no = heard.digits === '2' || heard.understood?.intent === 'no';
  if (q.keying && heard.digits && heard.digits.length > 1) {
    const number = ringableNumber(heard.digits, ivr.call.clinic.locale);
    if (!number) {
      ivr.say(
        normalisePhone(heard.digits, ivr.call.clinic.locale)
          ? 'Sorry, we can only call back mobile and landline numbers in this country.'
          : "Sorry, that doesn't look like a phone number.",
      );
      return keyNumber(ivr, String(attempt + 1));
    }
    await ivr.saveState({ ...state, callBackNumber: number });
    return confirmKeyed(ivr, number, String(attempt));
  }
  if (no) {
    await ivr.saveState({ ...state, callBackNumber: undefined });
    return keyNumber(ivr, String(attempt));
  }
  if (!yes) return retry();
  const number = state.callBackNumber ?? (joinsOpenEntry(ivr.call.fromNumber) ? ivr.call.fromNumber : undefined);
  if (!number) return keyNumber(ivr, String(attempt));
  return fileCallBack(ivr, number);
}

function confirmKeyed(ivr: CallStep, number: string, attempt: string): string {
  return ivr.ask(
    ivr.url('queue/call-back-number', { attempt }),
    `We will call you back on ${digitByDigit(number, ivr.call.clinic.locale)}. To confirm, press 1. To key it again, press 2.`,
    ivr.url('queue/call-back-number', { attempt, silence: '1' }),
  );
}

/** Reception's hours now: when it closes for the day (null: closed), and when it opens next after that. */
async function receptionDay(ivr: CallStep, now: Date) {
  const hours = await loadReceptionHours(ivr.deps.db.prisma, ivr.call.clinic, now);
  const closes = closesForTheDay(now, hours);
  return { closes, reopens: closes ? nextOpening(closes, hours) : nextOpening(now, hours) };
}

const WHEN_PROMPT =
  'When would suit you? Say a time later today, for example, after 2 pm. Or press 1 to be called as soon as we can.';

/**
 * The number confirmed: the request is filed now, in the caller's place (so hanging up
 * from here on loses nothing; it is not rung while this call lasts). Where the clinic lets
 * callers choose a later time today and there is time enough before closing, they are
 * asked when; otherwise told roughly when.
 */
async function fileCallBack(ivr: CallStep, ringNumber: string): Promise<string> {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  const filed = await prisma.$transaction((tx) => requestCallBack(tx, ivr.call.id, ringNumber, now));
  if (filed === null) return ivr.goodbye();
  ivr.deps.events.publish(
    'call.left_queue',
    ivr.call.clinic.id,
    { callId: ivr.call.id, callSid: ivr.call.callSid, reason: 'call_back' },
    now,
  );
  ivr.deps.events.publish(
    'callback.added',
    ivr.call.clinic.id,
    { callBackId: filed.callBackId, callId: ivr.call.id, reason: 'requested', joined: filed.joined },
    now,
  );
  const { callBackWindows } = await prisma.clinic.findUniqueOrThrow({
    where: { id: ivr.call.clinic.id },
    select: { callBackWindows: true },
  });
  const { closes } = await receptionDay(ivr, now);
  if (!callBackWindows || !closes || closes.getTime() - now.getTime() < 2 * WINDOW_BEFORE_CLOSE_MS)
    return toldWhen(ivr, ringNumber, null);
  await ivr.saveState({ ...ivr.state(), callBackNumber: ringNumber });
  return ivr.ask(
    ivr.url('queue/call-back-when', { attempt: '1' }),
    WHEN_PROMPT,
    ivr.url('queue/call-back-when', { attempt: '1', silence: '1' }),
  );
}

const SOON = /\b(as soon as|asap|a s a p|now|straight away|right away|any ?time|whenever|soon)\b/;

/** The answer to "when would suit you?": a time later today, or as soon as we can. Two tries, then as soon as we can. */
export async function callBackWhen(ivr: CallStep, q: StepQuery<'queue/call-back-when'>, body: Params): Promise<string> {
  const number = ivr.state().callBackNumber;
  if (!number) return ivr.goodbye();
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'open', q.silence);
  const now = ivr.deps.clock();
  const { closes } = await receptionDay(ivr, now);
  const answer = callBackWindow(
    {
      digits: heard.digits,
      soon: SOON.test(heard.said?.toLowerCase() ?? ''),
      time: heard.understood?.wish.time,
      partOfDay: heard.understood?.wish.partOfDay,
    },
    { now, timeZone: ivr.call.clinic.timeZone, closesAt: closes },
  );
  if (answer.kind === 'now') return toldWhen(ivr, number, null);
  if (answer.kind === 'from') {
    // Not in hand yet (the call that asked is still on the line): the chosen time is kept.
    await ivr.deps.db.prisma.callBack.updateMany({
      where: { calls: { some: { id: ivr.call.id } }, doneAt: null, ringState: 'waiting', requestedInQueue: true },
      data: { notBefore: answer.notBefore },
    });
    return toldWhen(ivr, number, answer.notBefore);
  }
  if (attempt >= 3) {
    ivr.say('We will call you as soon as we can.');
    return toldWhen(ivr, number, null);
  }
  const next = String(attempt + 1);
  if (answer.kind === 'too-late' && closes)
    ivr.say(`Sorry, reception closes at ${clockOf(closes, ivr)} today. Please choose an earlier time.`);
  else ivr.say(heard.silent ? "Sorry, I didn't hear anything." : "Sorry, I didn't catch that.");
  return ivr.ask(
    ivr.url('queue/call-back-when', { attempt: next }),
    WHEN_PROMPT,
    ivr.url('queue/call-back-when', { attempt: next, silence: '1' }),
  );
}

/** "2", "half past 2": an instant's wall-clock time in the clinic's words. */
function clockOf(at: Date, ivr: CallStep): string {
  const local = DateTime.fromJSDate(at, { zone: ivr.call.clinic.timeZone });
  return speakClock(local.hour, local.minute, ivr.call.clinic.locale);
}

/** Roughly when (or after the time they chose), from which number, how to cancel it, and goodbye; the heads-up text too. */
async function toldWhen(ivr: CallStep, ringNumber: string, notBefore: Date | null): Promise<string> {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  const entry = await prisma.call.findUniqueOrThrow({
    where: { id: ivr.call.id },
    select: { queuedAt: true, followedUpBy: { select: { joinedQueueAt: true } } },
  });
  const joined = entry.followedUpBy?.joinedQueueAt ?? entry.queuedAt ?? now;
  const when = notBefore
    ? `after ${clockOf(notBefore, ivr)}`
    : await roughlyWhen(
        ivr,
        expectedWaitSeconds(await placeOf(prisma, ivr.call.clinic.id, joined), await recentlyAnswered(ivr)),
        now,
      );
  await queueHeadsUp(prisma, { clinicId: ivr.call.clinic.id, callId: ivr.call.id, ringNumber, when });
  ivr.say(
    `Thank you. You keep your place in the queue, and we will call you back ${when}, from ${ivr.call.clinic.name}'s number. If you no longer need the call, ring us and press 9. You can hang up now.`,
  );
  return ivr.goodbye();
}

/** Roughly when, from the estimate; past reception's closing, when it opens again. */
async function roughlyWhen(ivr: CallStep, expected: number | null, now: Date): Promise<string> {
  const { closes, reopens } = await receptionDay(ivr, now);
  const soon =
    expected === null
      ? 'as soon as a receptionist is free'
      : expected <= 120
        ? 'in the next few minutes'
        : `in about ${Math.round(expected / 60)} minutes`;
  const tooLate = closes && expected !== null && now.getTime() + expected * 1000 > closes.getTime();
  if (!tooLate || !reopens) return soon;
  return `as soon as we can today, or else when we open again, ${speakDateTime(reopens, ivr.speakOptions())}`;
}

/** A call-back's place: the callers and call-backs who joined before it and still wait, and it. */
async function placeOf(db: Pick<Prisma, 'call' | 'callBack'>, clinicId: string, joinedQueueAt: Date): Promise<number> {
  const [callersAhead, callBacksAhead] = await Promise.all([
    db.call.count({ where: { clinicId, queueStatus: 'waiting', queuedAt: { lt: joinedQueueAt } } }),
    db.callBack.count({
      where: {
        clinicId,
        requestedInQueue: true,
        ringState: { in: ['waiting', 'reserved', 'ringing'] },
        joinedQueueAt: { lt: joinedQueueAt },
      },
    }),
  ]);
  return callersAhead + callBacksAhead + 1;
}

/**
 * Files the request, once: the call leaves the queue as `call_back`, and the number's
 * open entry (or a new one) becomes a call-back to ring, keeping the time the caller
 * first joined the queue. Null when the call was no longer choosing (a repeat, or gone).
 */
export async function requestCallBack(
  tx: Tx,
  callId: string,
  ringNumber: string,
  now: Date,
): Promise<{ callBackId: string; joined: boolean } | null> {
  const moved = await tx.call.updateMany({
    where: { id: callId, queueStatus: 'confirming' },
    data: { queueStatus: 'call_back', outcome: 'call_back_requested' },
  });
  if (moved.count === 0) return null;
  const call = await tx.call.findUniqueOrThrow({
    where: { id: callId },
    select: { clinicId: true, fromNumber: true, queuedAt: true },
  });
  const joinedQueueAt = call.queuedAt ?? now;
  const open = joinsOpenEntry(call.fromNumber)
    ? await tx.callBack.findFirst({ where: { clinicId: call.clinicId, fromNumber: call.fromNumber, doneAt: null } })
    : null;
  const fields = {
    reason: 'requested',
    requestedInQueue: true,
    joinedQueueAt,
    ringNumber,
    ringState: 'waiting',
    notBefore: null,
    attemptsMade: 0,
  };
  // Already being rung back (asked again from another phone): the ring in hand stands.
  const inHand = open?.ringState === 'reserved' || open?.ringState === 'ringing';
  const entry = open
    ? await tx.callBack.update({ where: { id: open.id }, data: inHand ? { reason: 'requested' } : fields })
    : await tx.callBack.create({
        data: { clinicId: call.clinicId, callId, fromNumber: call.fromNumber, createdAt: now, ...fields },
      });
  await tx.call.update({ where: { id: callId }, data: { callBackId: entry.id } });
  await addCallEvent(tx, callId, 'call_back_requested', now);
  return { callBackId: entry.id, joined: Boolean(open) };
}
