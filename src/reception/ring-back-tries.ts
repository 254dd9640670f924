// One try at ringing a patient back, from reservation to its end. A call-back in hand
// (reserved or ringing) names its try (`CallBack.attemptId`): only that try's end may hand
// the call-back on, so a stale try (a repeated job, a late status callback, the sweep)
// never resets a newer one. Each end is applied once, whichever request comes last.
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { afterUnanswered } from './next-caller.js';

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];
export type TryDeps = Pick<Services, 'db' | 'events' | 'clock'>;

/** States of a call-back being rung back. */
export const IN_HAND = ['reserved', 'ringing'];
/** After reception could not take a patient who pressed 1 (our side, not theirs): tried again this soon. */
export const RETRY_AFTER_OUR_FAILURE_MINUTES = 1;

/** Ends a try that never touched its call-back (over before it began, or another try holds it). */
export async function endTry(db: Pick<Prisma, 'callBackAttempt'>, attemptId: string, result: string, now: Date) {
  await db.callBackAttempt.updateMany({
    where: { id: attemptId, settledAt: null },
    data: { result, endedAt: now, settledAt: now },
  });
}

/**
 * Hands back a reservation before the patient's phone rings (the person went, picked a
 * caller by hand, or the patient is on the line to us): the call-back waits in its place
 * for the next pass, the try ends as cancelled, and that person's screen is told.
 */
export async function releaseReservation(
  deps: TryDeps,
  callBackId: string,
  staffId: string,
  changes: { notBefore?: Date } = {},
): Promise<boolean> {
  const now = deps.clock();
  const released = await deps.db.prisma.$transaction(async (tx) => {
    const entry = await tx.callBack.findUnique({ where: { id: callBackId }, select: { attemptId: true } });
    const done = await tx.callBack.updateMany({
      where: { id: callBackId, ringState: 'reserved', reservedBy: staffId, attemptId: entry?.attemptId ?? null },
      data: { ringState: 'waiting', reservedBy: null, attemptId: null, ...changes },
    });
    if (done.count === 0) return null;
    if (entry?.attemptId) await endTry(tx, entry.attemptId, 'cancelled', now);
    const row = await tx.callBack.findUniqueOrThrow({ where: { id: callBackId }, select: { clinicId: true } });
    return row.clinicId;
  });
  if (released) deps.events.publish('callback.released', released, { callBackId, staffId }, now);
  return released !== null;
}

export type TryOutcome = 'done' | 'retry' | 'listed';

/**
 * Settles one try, once: connected is the call-back made (by the person put through);
 * any other end sends it back to its place after the clinic's gap (a minute when the
 * failure was ours: reception could not take a patient who pressed 1), or after the
 * clinic's tries to the list for reception. Only the try in hand moves the call-back. A
 * conversation whose end came after its try was settled (a lost request, swept) still
 * makes the call-back. Returns what became of the call-back, or null when nothing did.
 */
export async function settleAttempt(deps: TryDeps, attemptId: string, how: string): Promise<TryOutcome | null> {
  const now = deps.clock();
  const settled = await deps.db.prisma.$transaction(async (tx) => {
    const attempt = await tx.callBackAttempt.findUnique({ where: { id: attemptId } });
    if (!attempt) return null;
    if (attempt.settledAt) {
      if (how !== 'connected' || attempt.result === 'connected') return null;
      await tx.callBackAttempt.update({ where: { id: attemptId }, data: { result: 'connected' } });
      return made(tx, attempt, now);
    }
    const result = attempt.result === 'connected' || attempt.result === 'machine' ? attempt.result : how;
    const first = await tx.callBackAttempt.updateMany({
      where: { id: attemptId, settledAt: null },
      data: { result, endedAt: attempt.endedAt ?? now, settledAt: now },
    });
    if (first.count === 0) return null;
    if (result === 'connected') return made(tx, attempt, now);
    const entry = await tx.callBack.findUniqueOrThrow({ where: { id: attempt.callBackId } });
    if (entry.attemptId !== attempt.id || entry.doneAt || !IN_HAND.includes(entry.ringState ?? '')) return null;
    const clinic = await tx.clinic.findUniqueOrThrow({
      where: { id: entry.clinicId },
      select: { callBackAttempts: true, callBackRetryMinutes: true },
    });
    // A try that never got as far as ringing still counts, so a number that cannot be rung is not tried for ever.
    const tries = entry.attemptsMade + (entry.ringState === 'reserved' ? 1 : 0);
    const next = afterUnanswered(
      tries,
      {
        maxAttempts: clinic.callBackAttempts,
        retryGapMinutes: how === 'not_put_through' ? RETRY_AFTER_OUR_FAILURE_MINUTES : clinic.callBackRetryMinutes,
      },
      now,
    );
    await tx.callBack.updateMany({
      where: { id: entry.id, attemptId: attempt.id },
      data:
        next === 'list'
          ? { ringState: 'listed', reservedBy: null, attemptId: null, attemptsMade: tries }
          : { ringState: 'waiting', reservedBy: null, attemptId: null, notBefore: next.retryAt, attemptsMade: tries },
    });
    return {
      clinicId: entry.clinicId,
      callBackId: entry.id,
      outcome: next === 'list' ? ('listed' as const) : ('retry' as const),
      staffId: attempt.staffId,
    };
  });
  if (!settled) return null;
  deps.events.publish(
    'callback.rung',
    settled.clinicId,
    { callBackId: settled.callBackId, outcome: settled.outcome, staffId: settled.staffId },
    now,
  );
  return settled.outcome;
}

/** The call-back made by this try's person: done (unless closed meanwhile), and out of anyone's hands. */
async function made(
  tx: Tx,
  attempt: { id: string; callBackId: string; clinicId: string; staffId: string | null },
  now: Date,
) {
  await tx.callBack.updateMany({
    where: { id: attempt.callBackId, doneAt: null },
    data: { ringState: 'done', doneAt: now, doneBy: attempt.staffId, closedBecause: 'rung_back' },
  });
  await tx.callBack.updateMany({
    where: { id: attempt.callBackId, attemptId: attempt.id },
    data: { reservedBy: null, attemptId: null },
  });
  return {
    clinicId: attempt.clinicId,
    callBackId: attempt.callBackId,
    outcome: 'done' as const,
    staffId: attempt.staffId,
  };
}
