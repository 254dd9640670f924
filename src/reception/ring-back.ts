// Ringing back the callers who asked from the queue. When a call-back is the next to
// serve (src/reception/next-caller.ts: nobody on the line joined before it), a free
// receptionist is reserved for it, then the service rings the patient from the clinic's
// number; the patient hears who is calling at once and presses 1 to be put through to
// that receptionist's browser. A machine, no answer or no 1: the call-back waits out the
// retry gap in its place, and after the clinic's tries it is left on the list for reception.
import twilio from 'twilio';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { queueJob } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { voiceFor } from '../voice/twiml.js';
import { type AnsweringDeps, browserAnswering, staffIdentity } from './answering.js';
import { isOpenAt } from '../diary/opening-hours.js';
import { afterUnanswered } from './next-caller.js';
import { loadReceptionHours } from './hours.js';
import { nextInLine } from './serving-order.js';
import { availableStaff } from './presence.js';

const { VoiceResponse } = twilio.twiml;
export type RingBackDeps = Pick<Services, 'db' | 'events' | 'clock' | 'config' | 'twilio'> & AnsweringDeps;

/** The URL of one of a try's webhooks (/twilio/call-back/…), naming the try. */
const ringBackUrl = (
  deps: Pick<Services, 'config'>,
  step: 'answered' | 'confirm' | 'bridged' | 'status',
  attemptId: string,
) => `${deps.config.publicBaseUrl}/twilio/call-back/${step}?attempt=${attemptId}`;

/** Says `words` and hangs up: how every try that goes no further ends. */
function sayAndHangUp(voice: ReturnType<typeof voiceFor>, words: string): string {
  const response = new VoiceResponse();
  if (words) response.say(voice, words);
  response.hangup();
  return response.toString();
}

/** How long the patient's phone rings (at least 15 s, so their own voicemail does not answer first). */
export const RING_SECONDS = 20;
/** A try that has neither been placed nor ended by then is settled as unanswered (a lost job or status callback). */
export const STUCK_AFTER_MS = 15 * 60_000;
/** States of a call-back being rung back. */
const IN_HAND = ['reserved', 'ringing'];

/** The people of a clinic free to take a call-back now: taking calls, connected, on no call, reserved for none. */
async function freeReceptionists(deps: RingBackDeps, clinicId: string, now: Date): Promise<string[]> {
  const { prisma } = deps.db;
  const available = await availableStaff(deps, clinicId, now);
  if (available.length === 0) return [];
  const ids = available.map((a) => a.userId);
  const [talking, reserved] = await Promise.all([
    prisma.call.findMany({
      where: {
        endedAt: null,
        OR: [
          { answeredBy: { in: ids }, queueStatus: 'answered' },
          { claimedBy: { in: ids }, queueStatus: 'claimed' },
          // Ringing a patient back from the dashboard themselves.
          { answeredBy: { in: ids }, direction: 'outbound' },
        ],
      },
      select: { answeredBy: true, claimedBy: true },
    }),
    prisma.callBack.findMany({
      where: { reservedBy: { in: ids }, ringState: { in: IN_HAND } },
      select: { reservedBy: true },
    }),
  ]);
  const busy = new Set([...talking.flatMap((t) => [t.answeredBy, t.claimedBy]), ...reserved.map((r) => r.reservedBy)]);
  return ids.filter((id) => !busy.has(id)).sort();
}

/** How long a call-back is passed over while its patient is on a call to the clinic. */
export const ON_THE_LINE_PAUSE_MS = 60_000;

/** Whether the number a call-back would ring is on a call to this clinic now (calls from the last few hours). */
async function onTheLine(deps: RingBackDeps, clinicId: string, callBackId: string, now: Date): Promise<boolean> {
  const { prisma } = deps.db;
  const entry = await prisma.callBack.findUnique({ where: { id: callBackId }, select: { ringNumber: true } });
  if (!entry?.ringNumber) return false;
  const live = await prisma.call.findFirst({
    where: {
      clinicId,
      fromNumber: entry.ringNumber,
      endedAt: null,
      direction: 'inbound',
      startedAt: { gte: new Date(now.getTime() - 4 * 3_600_000) },
      // Not the call that asked for it, still hearing "you can hang up now".
      OR: [{ queueStatus: null }, { queueStatus: { not: 'call_back' } }],
    },
    select: { id: true },
  });
  return live !== null;
}

/**
 * One pass for one clinic: hands back reservations whose person is gone, then, while the
 * next to serve is a call-back and someone is free, reserves them and queues the dial.
 * Every step is a conditional write, so instances running this together never reserve one
 * call-back twice or one person for two.
 */
export async function ringBackNext(deps: RingBackDeps, clinicId: string): Promise<number> {
  if (!browserAnswering(deps) || !deps.twilio) return 0;
  const { prisma } = deps.db;
  const now = deps.clock();
  // A reservation whose person left before the call was placed passes on.
  const reservedFor = await prisma.callBack.findMany({
    where: { clinicId, ringState: 'reserved' },
    select: { id: true, reservedBy: true },
  });
  for (const r of reservedFor) {
    const live = await prisma.presence.findFirst({
      where: { userId: r.reservedBy!, available: true, liveUntil: { gt: now } },
    });
    if (!live)
      await prisma.callBack.updateMany({
        where: { id: r.id, ringState: 'reserved', reservedBy: r.reservedBy },
        data: { ringState: 'waiting', reservedBy: null },
      });
  }
  // A ring whose call was never placed (the job gave up) or whose end never came: back in
  // its place to be tried again, so nothing waits for ever and nobody stays reserved.
  const stuck = await prisma.callBackAttempt.findMany({
    where: {
      clinicId,
      settledAt: null,
      startedAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) },
      callBack: { ringState: { in: IN_HAND } },
    },
    select: { id: true, callBackId: true, callSid: true },
  });
  for (const a of stuck) await settleAttempt(deps, a.id, a.callSid ? 'no_end_heard' : 'not_placed');
  // Only in reception's hours: a call-back still waiting when reception closes keeps its place for the next opening.
  const clinic = await prisma.clinic.findUnique({ where: { id: clinicId }, select: { id: true, timeZone: true } });
  if (!clinic || !isOpenAt(now, await loadReceptionHours(prisma, clinic, now))) return 0;
  let started = 0;
  for (;;) {
    const next = await nextInLine(deps.db, clinicId, now);
    if (next?.kind !== 'call-back') return started;
    const [person] = await freeReceptionists(deps, clinicId, now);
    if (!person) return started;
    // The patient is on the line to us right now (ringing again): their phone would be busy. Passed
    // over for a minute, keeping the place; answered on this call, the call-back is closed then.
    if (await onTheLine(deps, clinicId, next.id, now)) {
      await prisma.callBack.updateMany({
        where: { id: next.id, ringState: 'waiting' },
        data: { notBefore: new Date(now.getTime() + ON_THE_LINE_PAUSE_MS) },
      });
      continue;
    }
    // The person may have been reserved by another instance a moment ago (one call-back in hand each): look again.
    const reserved = await prisma
      .$transaction(async (tx) => {
        const won = await tx.callBack.updateMany({
          where: { id: next.id, ringState: 'waiting', doneAt: null },
          data: { ringState: 'reserved', reservedBy: person },
        });
        if (won.count === 0) return null;
        const attempt = await tx.callBackAttempt.create({
          data: { callBackId: next.id, clinicId, staffId: person, startedAt: now },
        });
        await queueJob(tx, 'callback.dial', { attemptId: attempt.id }, { dedupeKey: `callback.dial:${attempt.id}` });
        return attempt;
      })
      .catch((err: { code?: string }) => {
        if (err.code === 'P2002') return null;
        throw err;
      });
    if (!reserved) continue;
    started++;
    deps.events.publish('callback.reserved', clinicId, { callBackId: next.id, staffId: person }, now);
  }
}

/** The job: rings the patient for a reserved call-back, once per attempt. */
export function ringBackJobs(deps: RingBackDeps) {
  return {
    'callback.dial': async ({ attemptId }: { attemptId: string }) => {
      const { prisma } = deps.db;
      const attempt = await prisma.callBackAttempt.findUnique({
        where: { id: attemptId },
        include: {
          callBack: {
            include: {
              clinic: { select: { numbers: { select: { e164: true }, orderBy: { createdAt: 'asc' }, take: 1 } } },
            },
          },
        },
      });
      if (!attempt || attempt.callSid || attempt.endedAt) return;
      const entry = attempt.callBack;
      const from = entry.clinic.numbers[0]?.e164;
      // Handed on, or rung back by hand meanwhile: this try is over before it began.
      if (entry.doneAt || entry.ringState !== 'reserved' || entry.reservedBy !== attempt.staffId) {
        const at = deps.clock();
        await prisma.callBackAttempt.update({
          where: { id: attemptId },
          data: { endedAt: at, settledAt: at, result: 'cancelled' },
        });
        return;
      }
      if (!deps.twilio || !from || !entry.ringNumber) {
        await settleAttempt(deps, attemptId, 'not_placed');
        throw new PermanentJobError('cannot ring back: no Twilio, clinic number or number to ring');
      }
      // Ringing us meanwhile: handed back for a minute in its place, this try not counted.
      if (await onTheLine(deps, entry.clinicId, entry.id, deps.clock())) {
        const at = deps.clock();
        await prisma.$transaction([
          prisma.callBack.updateMany({
            where: { id: entry.id, ringState: 'reserved', reservedBy: attempt.staffId },
            data: { ringState: 'waiting', reservedBy: null, notBefore: new Date(at.getTime() + ON_THE_LINE_PAUSE_MS) },
          }),
          prisma.callBackAttempt.update({
            where: { id: attemptId },
            data: { endedAt: at, settledAt: at, result: 'cancelled' },
          }),
        ]);
        return;
      }
      // At most one dial per call-back: the state moves to ringing before Twilio is asked.
      const moved = await prisma.callBack.updateMany({
        where: { id: entry.id, ringState: 'reserved', reservedBy: attempt.staffId },
        data: { ringState: 'ringing', attemptsMade: { increment: 1 } },
      });
      if (moved.count === 0) return;
      let call: { sid: string };
      try {
        call = await deps.twilio.calls.create({
          to: entry.ringNumber,
          from,
          url: ringBackUrl(deps, 'answered', attemptId),
          method: 'POST',
          timeout: RING_SECONDS,
          machineDetection: 'Enable',
          statusCallback: ringBackUrl(deps, 'status', attemptId),
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
        });
      } catch (err) {
        // Twilio refused (a number it cannot ring, a limit): this try ends here, and the call-back goes back in its place.
        await settleAttempt(deps, attemptId, 'failed');
        throw new PermanentJobError(`Twilio could not place the ring-back: ${(err as Error).message}`);
      }
      await prisma.callBackAttempt.update({ where: { id: attemptId }, data: { callSid: call.sid } });
      deps.events.publish(
        'callback.ringing',
        entry.clinicId,
        { callBackId: entry.id, staffId: attempt.staffId! },
        deps.clock(),
      );
    },
  };
}

/** What to promise at the end of a try: another one, or, after the clinic's last, a call from them. */
const tryAgain = (
  attempt: { callBack: { attemptsMade: number; clinic: { callBackAttempts: number } } },
  soon: string,
) =>
  attempt.callBack.attemptsMade >= attempt.callBack.clinic.callBackAttempts
    ? 'Please call us back when you can.'
    : `We will try again ${soon}.`;

async function attemptFor(prisma: Prisma, attemptId: unknown) {
  if (typeof attemptId !== 'string' || !/^[0-9a-f-]{36}$/.test(attemptId)) return null;
  return prisma.callBackAttempt.findUnique({
    where: { id: attemptId },
    include: { callBack: { include: { clinic: { select: { name: true, locale: true, callBackAttempts: true } } } } },
  });
}

/**
 * The patient's phone was answered. Who is calling comes first; a machine hears a short
 * message and nothing more (it can never complete a call-back); a person presses 1.
 */
export async function ringBackAnswered(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const voice = voiceFor(attempt?.callBack.clinic.locale);
  if (!attempt) return sayAndHangUp(voice, '');
  const name = attempt.callBack.clinic.name;
  if (/^(machine|fax)/.test(body.AnsweredBy ?? '')) {
    await deps.db.prisma.callBackAttempt.updateMany({
      where: { id: attempt.id, result: null },
      data: { result: 'machine' },
    });
    return sayAndHangUp(voice, `This is ${name}, returning your call. ${tryAgain(attempt, 'shortly')}`);
  }
  const response = new VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 8,
    action: ringBackUrl(deps, 'confirm', attempt.id),
    method: 'POST',
  });
  gather.say(voice, `This is ${name}, calling you back as you asked. To be put through to reception now, press 1.`);
  response.say(voice, `${tryAgain(attempt, 'later')} Goodbye.`);
  response.hangup();
  return response.toString();
}

/**
 * The patient pressed a key: 1 puts them through to the reserved receptionist's browser.
 * Should that person have gone meanwhile, another free one takes the call-back; with
 * nobody free, the patient is told they keep their place and the try ends unconnected.
 */
export async function ringBackConfirmed(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const voice = voiceFor(attempt?.callBack.clinic.locale);
  if (!attempt || body.Digits !== '1' || !attempt.staffId)
    return sayAndHangUp(voice, `${attempt ? tryAgain(attempt, 'later') : ''} Goodbye.`.trim());
  await deps.db.prisma.callBackAttempt.updateMany({
    where: { id: attempt.id, result: null },
    data: { result: 'confirmed' },
  });
  const staffId = await whoTakesIt(deps, attempt);
  if (!staffId) {
    await settleAttempt(deps, attempt.id, 'not_put_through');
    return sayAndHangUp(
      voice,
      `Sorry, reception has just become busy. You keep your place. ${tryAgain(attempt, 'shortly')} Goodbye.`,
    );
  }
  const response = new VoiceResponse();
  response
    .dial({
      answerOnBridge: true,
      timeout: 20,
      action: ringBackUrl(deps, 'bridged', attempt.id),
      method: 'POST',
    })
    .client({}, staffIdentity(staffId));
  return response.toString();
}

/**
 * Who takes a confirmed ring-back: the reserved person while they are still taking calls,
 * else another free receptionist, who takes over the reservation (one conditional write,
 * so two instances never hand it to two people); null when nobody is free.
 */
async function whoTakesIt(
  deps: RingBackDeps,
  attempt: { id: string; callBackId: string; clinicId: string; staffId: string | null },
): Promise<string | null> {
  const { prisma } = deps.db;
  const now = deps.clock();
  const reserved = attempt.staffId;
  if (reserved && (await availableStaff(deps, attempt.clinicId, now)).some((a) => a.userId === reserved))
    return reserved;
  for (const person of await freeReceptionists(deps, attempt.clinicId, now)) {
    const moved = await prisma
      .$transaction(async (tx) => {
        const won = await tx.callBack.updateMany({
          where: { id: attempt.callBackId, ringState: 'ringing', reservedBy: reserved, doneAt: null },
          data: { reservedBy: person },
        });
        if (won.count === 0) return false;
        await tx.callBackAttempt.update({ where: { id: attempt.id }, data: { staffId: person } });
        return true;
      })
      .catch((err: { code?: string }) => {
        if (err.code === 'P2002') return null; // reserved for another call-back a moment ago: the next person
        throw err;
      });
    if (moved === false) return null;
    if (moved === null) continue;
    deps.events.publish('callback.ringing', attempt.clinicId, { callBackId: attempt.callBackId, staffId: person }, now);
    return person;
  }
  return null;
}

/** The patient's call with the receptionist ended: a conversation is the call-back made. */
export async function ringBackBridged(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  if (attempt && body.DialCallStatus === 'completed') {
    // Put through and talked: the call-back is made now, whatever order the call's own end comes in.
    await settleAttempt(deps, attempt.id, 'connected');
    return sayAndHangUp(voiceFor(attempt.callBack.clinic.locale), '');
  }
  // The browser never took it (no answer, busy, failed): this try ends unconnected, keeping the place.
  if (attempt) await settleAttempt(deps, attempt.id, 'not_put_through');
  return sayAndHangUp(
    voiceFor(attempt?.callBack.clinic.locale),
    `Sorry, reception could not take the call. ${attempt ? tryAgain(attempt, 'shortly') : ''}`.trim(),
  );
}

/**
 * The ring-back call's final status, the one request every try gets. Put through: the
 * bridge's own action settles it (either may come first). Otherwise settled as what
 * happened: no 1 pressed, busy, no answer, failed.
 */
export async function ringBackEnded(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
) {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const status = body.CallStatus ?? '';
  if (!attempt || !['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status)) return;
  const now = deps.clock();
  await deps.db.prisma.callBackAttempt.updateMany({ where: { id: attempt.id, endedAt: null }, data: { endedAt: now } });
  // Put through: the bridge's action decides (it may have already); if it never comes, the sweep settles the try.
  if (attempt.result === 'confirmed' || attempt.result === 'connected') return;
  await settleAttempt(deps, attempt.id, status === 'completed' ? 'unconfirmed' : status.replace('-', '_'));
}

/**
 * Settles one try, once: connected is the call-back made (by the reserved person); any
 * other end sends it back to its place after the clinic's gap, or after the clinic's tries
 * to the list for reception. A try already settled, or one whose call-back was meanwhile
 * marked done by hand, changes nothing more.
 */
export async function settleAttempt(deps: RingBackDeps, attemptId: string, how: string): Promise<void> {
  const { prisma } = deps.db;
  const now = deps.clock();
  const settled = await prisma.$transaction(async (tx) => {
    const attempt = await tx.callBackAttempt.findUnique({ where: { id: attemptId } });
    if (!attempt || attempt.settledAt) return null;
    const result = attempt.result === 'connected' || attempt.result === 'machine' ? attempt.result : how;
    const first = await tx.callBackAttempt.updateMany({
      where: { id: attemptId, settledAt: null },
      data: { result, endedAt: attempt.endedAt ?? now, settledAt: now },
    });
    if (first.count === 0) return null;
    const entry = await tx.callBack.findUniqueOrThrow({ where: { id: attempt.callBackId } });
    if (result === 'connected') {
      await tx.callBack.updateMany({
        where: { id: entry.id, doneAt: null },
        data: { ringState: 'done', doneAt: now, doneBy: attempt.staffId, reservedBy: null, closedBecause: 'rung_back' },
      });
      return { clinicId: entry.clinicId, callBackId: entry.id, outcome: 'done' as const, staffId: attempt.staffId };
    }
    if (entry.doneAt || !IN_HAND.includes(entry.ringState ?? '')) return null;
    const clinic = await tx.clinic.findUniqueOrThrow({
      where: { id: entry.clinicId },
      select: { callBackAttempts: true, callBackRetryMinutes: true },
    });
    // A try that never got as far as ringing still counts, so a number that cannot be rung is not tried for ever.
    const made = entry.attemptsMade + (entry.ringState === 'reserved' ? 1 : 0);
    const next = afterUnanswered(
      made,
      { maxAttempts: clinic.callBackAttempts, retryGapMinutes: clinic.callBackRetryMinutes },
      now,
    );
    await tx.callBack.update({
      where: { id: entry.id },
      data:
        next === 'list'
          ? { ringState: 'listed', reservedBy: null, attemptsMade: made }
          : { ringState: 'waiting', reservedBy: null, notBefore: next.retryAt, attemptsMade: made },
    });
    return {
      clinicId: entry.clinicId,
      callBackId: entry.id,
      outcome: next === 'list' ? ('listed' as const) : ('retry' as const),
      staffId: attempt.staffId,
    };
  });
  if (settled)
    deps.events.publish(
      'callback.rung',
      settled.clinicId,
      { callBackId: settled.callBackId, outcome: settled.outcome, staffId: settled.staffId },
      now,
    );
}

/** `ringBackNext` for every clinic with a call-back to ring or a reservation to check (each instance's beat, and after each attempt ends). */
export async function ringBackNextEverywhere(deps: RingBackDeps): Promise<void> {
  if (!browserAnswering(deps) || !deps.twilio) return;
  const now = deps.clock();
  const clinics = await deps.db.prisma.callBack.findMany({
    // Due to be rung, or reserved for someone who may have gone (the reservation passes on).
    where: {
      requestedInQueue: true,
      doneAt: null,
      OR: [{ ringState: 'waiting', OR: [{ notBefore: null }, { notBefore: { lte: now } }] }, { ringState: 'reserved' }],
    },
    distinct: ['clinicId'],
    select: { clinicId: true },
  });
  for (const { clinicId } of clinics) await ringBackNext(deps, clinicId);
}

/** Events after which a call-back may have become next, or someone free to take it. */
const WAKES_RING_BACK = new Set(['callback.added', 'callback.rung', 'staff.presence', 'call.ended', 'call.left_queue']);

/**
 * Rings the next call-back as soon as something may have made it due (a request filed, a
 * receptionist going available or ending a call), rather than at the next presence beat.
 * One pass per clinic at a time on this instance; a wake-up during a pass runs one more.
 */
export function ringBackOnEvents(deps: RingBackDeps, onError: (err: unknown) => void): () => void {
  const running = new Map<string, boolean>();
  const pass = async (clinicId: string): Promise<void> => {
    if (running.has(clinicId)) {
      running.set(clinicId, true);
      return;
    }
    running.set(clinicId, false);
    try {
      do {
        running.set(clinicId, false);
        await ringBackNext(deps, clinicId);
      } while (running.get(clinicId));
    } finally {
      running.delete(clinicId);
    }
  };
  return deps.events.subscribe((event) => {
    if (WAKES_RING_BACK.has(event.name)) void pass(event.clinicId).catch(onError);
  });
}
