// Ringing back the callers who asked from the queue. When a call-back is the next to
// serve (next-caller.ts: nobody on the line joined before it), a free receptionist is
// reserved for it, then the service rings the patient from the clinic's number; what the
// patient hears and presses is ring-back-call.ts. A machine, no answer or no 1: the
// call-back waits out the retry gap in its place, and after the clinic's tries it is left
// on the list for reception (ring-back-tries.ts).
import { randomUUID } from 'node:crypto';
import type { Services } from '../core/services.js';
import { isOpenAt } from '../diary/opening-hours.js';
import { queueJob } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { type AnsweringDeps, browserAnswering } from './answering.js';
import { loadReceptionHours } from './hours.js';
import { availableStaff } from './presence.js';
import { endTry, IN_HAND, releaseReservation, settleAttempt } from './ring-back-tries.js';
import { nextInLine } from './serving-order.js';

export type RingBackDeps = Pick<Services, 'db' | 'events' | 'clock' | 'config' | 'twilio'> & AnsweringDeps;

/** The URL of one of a try's webhooks (/twilio/call-back/…), naming the try. */
export const ringBackUrl = (
  deps: Pick<Services, 'config'>,
  step: 'answered' | 'confirm' | 'bridged' | 'status',
  attemptId: string,
) => `${deps.config.publicBaseUrl}/twilio/call-back/${step}?attempt=${attemptId}`;

/** How long the patient's phone rings (at least 15 s, so their own voicemail does not answer first). */
export const RING_SECONDS = 20;
/** A try neither placed nor ended by then is settled as unanswered (a lost job or status callback)… */
export const STUCK_AFTER_MS = 15 * 60_000;
/** …except one put through to reception, which may be a long conversation: only after this. */
export const CONVERSATION_LIMIT_MS = 4 * 3_600_000;

/** Of these people, those on a call now (answering one, being put through, or ringing a patient back by hand). */
export async function onACall(deps: Pick<Services, 'db' | 'clock'>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // A call placed from the browser whose end was never heard does not hold its person for ever.
  const placedSince = new Date(deps.clock().getTime() - CONVERSATION_LIMIT_MS);
  const talking = await deps.db.prisma.call.findMany({
    where: {
      endedAt: null,
      OR: [
        { answeredBy: { in: ids }, queueStatus: 'answered' },
        { claimedBy: { in: ids }, queueStatus: 'claimed' },
        { answeredBy: { in: ids }, direction: 'outbound', startedAt: { gte: placedSince } },
      ],
    },
    select: { answeredBy: true, claimedBy: true },
  });
  return new Set(talking.flatMap((t) => [t.answeredBy, t.claimedBy]).filter((id): id is string => id !== null));
}

/** The people of a clinic free to take a call-back now: taking calls, connected, on no call, holding no other call-back. */
export async function freeReceptionists(deps: RingBackDeps, clinicId: string, now: Date): Promise<string[]> {
  const available = await availableStaff(deps, clinicId, now);
  if (available.length === 0) return [];
  const ids = available.map((a) => a.userId);
  const [talking, holding] = await Promise.all([
    onACall(deps, ids),
    deps.db.prisma.callBack.findMany({
      where: { reservedBy: { in: ids }, ringState: { in: IN_HAND } },
      select: { reservedBy: true },
    }),
  ]);
  const busy = new Set([...talking, ...holding.map((r) => r.reservedBy)]);
  return ids.filter((id) => !busy.has(id)).sort();
}

/** Whether the number a call-back would ring is on a call to this clinic now (calls from the last few hours). */
async function onTheLine(deps: RingBackDeps, clinicId: string, ringNumber: string | null, now: Date) {
  if (!ringNumber) return false;
  const live = await deps.db.prisma.call.findFirst({
    where: {
      clinicId,
      fromNumber: ringNumber,
      endedAt: null,
      direction: 'inbound',
      startedAt: { gte: new Date(now.getTime() - 4 * 3_600_000) },
    },
    select: { id: true },
  });
  return live !== null;
}

/**
 * What a pass puts right before ringing anyone: reservations whose person has gone are
 * handed on; a try neither placed nor ended (a lost job or status callback) is settled; a
 * call-back left in hand by a try that has ended is put back in its place.
 */
async function tidyUp(deps: RingBackDeps, clinicId: string, now: Date): Promise<void> {
  const { prisma } = deps.db;
  const reserved = await prisma.callBack.findMany({
    where: { clinicId, ringState: 'reserved' },
    select: { id: true, reservedBy: true },
  });
  const present = new Set((await availableStaff(deps, clinicId, now)).map((a) => a.userId));
  for (const r of reserved)
    if (r.reservedBy && !present.has(r.reservedBy)) await releaseReservation(deps, r.id, r.reservedBy);
  const stuck = await prisma.callBackAttempt.findMany({
    where: {
      clinicId,
      settledAt: null,
      startedAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) },
      // Put through to reception and the call not yet ended: a conversation, left alone for hours.
      OR: [
        { result: null },
        { result: { not: 'confirmed' } },
        { endedAt: { not: null } },
        { startedAt: { lt: new Date(now.getTime() - CONVERSATION_LIMIT_MS) } },
      ],
    },
    select: { id: true, callSid: true },
  });
  for (const a of stuck) await settleAttempt(deps, a.id, a.callSid ? 'no_end_heard' : 'not_placed');
  const inHand = await prisma.callBack.findMany({
    where: { clinicId, ringState: { in: IN_HAND } },
    select: { id: true, attemptId: true },
  });
  if (inHand.length === 0) return;
  const live = new Set(
    (
      await prisma.callBackAttempt.findMany({
        where: { callBackId: { in: inHand.map((e) => e.id) }, settledAt: null },
        select: { id: true },
      })
    ).map((a) => a.id),
  );
  for (const e of inHand)
    if (!e.attemptId || !live.has(e.attemptId))
      await prisma.callBack.updateMany({
        where: { id: e.id, ringState: { in: IN_HAND }, attemptId: e.attemptId },
        data: { ringState: 'waiting', reservedBy: null, attemptId: null },
      });
}

/**
 * One pass for one clinic: tidies up, then, in reception's hours, while the next to serve
 * is a call-back and someone is free, reserves them and queues the dial. Every write is
 * conditional, so instances running this together never reserve one call-back twice or
 * one person for two.
 */
export async function ringBackNext(deps: RingBackDeps, clinicId: string): Promise<number> {
  if (!browserAnswering(deps) || !deps.twilio) return 0;
  const { prisma } = deps.db;
  const now = deps.clock();
  await tidyUp(deps, clinicId, now);
  // Only in reception's hours: a call-back still waiting when reception closes keeps its place for the next opening.
  const clinic = await prisma.clinic.findUnique({ where: { id: clinicId }, select: { id: true, timeZone: true } });
  if (!clinic || !isOpenAt(now, await loadReceptionHours(prisma, clinic, now))) return 0;
  let started = 0;
  // Call-backs whose patient is on the line to us (still hearing "you can hang up now", or
  // ringing again): passed over by this pass, keeping their place; the call's end wakes the next.
  const passed: string[] = [];
  for (;;) {
    const next = await nextInLine(deps.db, clinicId, now, passed);
    if (next?.kind !== 'call-back') return started;
    const [person] = await freeReceptionists(deps, clinicId, now);
    if (!person) return started;
    const entry = await prisma.callBack.findUnique({ where: { id: next.id }, select: { ringNumber: true } });
    if (await onTheLine(deps, clinicId, entry?.ringNumber ?? null, now)) {
      passed.push(next.id);
      continue;
    }
    const attemptId = randomUUID();
    // The person may have been reserved by another instance a moment ago (one call-back in hand each): look again.
    const reserved = await prisma
      .$transaction(async (tx) => {
        const won = await tx.callBack.updateMany({
          where: { id: next.id, ringState: 'waiting', doneAt: null },
          data: { ringState: 'reserved', reservedBy: person, attemptId },
        });
        if (won.count === 0) return false;
        await tx.callBackAttempt.create({
          data: { id: attemptId, callBackId: next.id, clinicId, staffId: person, startedAt: now },
        });
        await queueJob(tx, 'callback.dial', { attemptId }, { dedupeKey: `callback.dial:${attemptId}` });
        return true;
      })
      .catch((err: { code?: string }) => {
        if (err.code === 'P2002') return false;
        throw err;
      });
    if (!reserved) continue;
    started++;
    deps.events.publish('callback.reserved', clinicId, { callBackId: next.id, staffId: person }, now);
  }
}

/** The job: rings the patient for a reserved call-back, once per try. */
export function ringBackJobs(deps: RingBackDeps) {
  return {
    'callback.dial': async ({ attemptId }: { attemptId: string }) => {
      const { prisma } = deps.db;
      const now = deps.clock();
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
      if (!attempt || attempt.callSid || attempt.settledAt) return;
      const entry = attempt.callBack;
      // Handed on, or closed meanwhile: this try is over before it began.
      if (entry.attemptId !== attempt.id || entry.doneAt) return endTry(prisma, attemptId, 'cancelled', now);
      // An earlier run of this job moved it to ringing and never recorded the call (it crashed, or
      // the write failed): whether Twilio placed it cannot be known, so the try ends and the
      // call-back goes back in its place rather than being held for ever.
      if (entry.ringState === 'ringing') {
        await settleAttempt(deps, attemptId, 'not_placed');
        return;
      }
      const from = entry.clinic.numbers[0]?.e164;
      if (!deps.twilio || !from || !entry.ringNumber) {
        await settleAttempt(deps, attemptId, 'not_placed');
        throw new PermanentJobError('cannot ring back: no Twilio, clinic number or number to ring');
      }
      // Ringing us meanwhile: handed back in its place, this try not counted.
      if (await onTheLine(deps, entry.clinicId, entry.ringNumber, now)) {
        await releaseReservation(deps, entry.id, attempt.staffId!);
        return;
      }
      // At most one dial per call-back: the state moves to ringing before Twilio is asked.
      const moved = await prisma.callBack.updateMany({
        where: { id: entry.id, ringState: 'reserved', attemptId },
        data: { ringState: 'ringing', attemptsMade: { increment: 1 } },
      });
      if (moved.count === 0) return endTry(prisma, attemptId, 'cancelled', now);
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

/** `ringBackNext` for every clinic with a call-back to ring or one in hand to look after (each instance's beat). */
export async function ringBackNextEverywhere(deps: RingBackDeps): Promise<void> {
  if (!browserAnswering(deps) || !deps.twilio) return;
  const now = deps.clock();
  const clinics = await deps.db.prisma.callBack.findMany({
    where: {
      requestedInQueue: true,
      doneAt: null,
      OR: [
        { ringState: 'waiting', OR: [{ notBefore: null }, { notBefore: { lte: now } }] },
        { ringState: { in: IN_HAND } },
      ],
    },
    distinct: ['clinicId'],
    select: { clinicId: true },
  });
  for (const { clinicId } of clinics) await ringBackNext(deps, clinicId);
}

/** Events after which a call-back may have become next, or someone free to take it. */
const WAKES_RING_BACK = new Set([
  'callback.added',
  'callback.rung',
  'callback.released',
  'callback.done',
  'staff.presence',
  'call.ended',
  'call.left_queue',
]);

/**
 * Rings the next call-back as soon as something may have made it due (a request filed, a
 * receptionist going available or ending a call), rather than at the next presence beat.
 * One pass per clinic at a time on this instance; a wake-up during a pass runs one more.
 * `settled()` resolves once no pass is running (for an orderly stop, and for tests).
 */
export function ringBackOnEvents(
  deps: RingBackDeps,
  onError: (err: unknown) => void,
): { stop: () => void; settled: () => Promise<void> } {
  const running = new Map<string, { again: boolean; done: Promise<void> }>();
  const pass = (clinicId: string): void => {
    const current = running.get(clinicId);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          await ringBackNext(deps, clinicId);
        } while (state.again);
      } catch (err) {
        onError(err);
      } finally {
        running.delete(clinicId);
      }
    })();
    running.set(clinicId, state);
  };
  const stop = deps.events.subscribe((event) => {
    if (WAKES_RING_BACK.has(event.name)) pass(event.clinicId);
  });
  const settled = async () => {
    while (running.size > 0) await Promise.all([...running.values()].map((r) => r.done));
  };
  return { stop, settled };
}
