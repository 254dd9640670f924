// The "to call back" list. Every inbound call that wanted a person and was not
// answered by one is on it once: decided when the call's final status arrives (or
// the caller hangs up in the queue), whichever of Twilio's requests comes first, each
// safe to repeat. A repeat call from the same number joins the open entry; a message
// left on any of its calls makes it a voicemail entry.
import type { Prisma } from '../db/database.js';
import type { Services } from '../core/services.js';
import { addCallEvent } from '../calls/call-events.js';
import { queueRecordingFetch, recordingStatusOf } from '../recordings/pipeline.js';
import { transcriptAtFiling } from '../recordings/transcripts.js';
import { callOffMissedCallText, queueMissedCallText } from '../texts/texts.js';
import { NotFound } from '../core/errors.js';
import type { CallBackEntry } from '../contracts/api.js';
import { namesOnNumbers } from '../diary/patients.js';
import type { CallBackClosedBecause } from '../contracts/events.js';

export type CallBackDeps = Pick<Services, 'db' | 'events' | 'clock'>;
type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/** Why a caller who wanted a person was not answered by one (Call.missedBecause). */
export const MISSED_BECAUSE = [
  'hung_up_waiting',
  'longest_wait',
  'queue_full',
  'nobody_free',
  'desk_unanswered',
  'not_put_through',
  'asked_for_message',
  'out_of_hours_message',
  'urgent_out_of_hours',
] as const;
export type MissedBecause = (typeof MISSED_BECAUSE)[number];

/** What a call-back entry is about: a message outranks a missed call, which outranks a hang-up. */
export type CallBackReason = 'requested' | 'voicemail' | 'missed' | 'abandoned';
const RANK: Record<CallBackReason, number> = { abandoned: 0, missed: 1, voicemail: 2, requested: 3 };

/** Queue states in which the caller was still waiting for a person (confirming: choosing a call-back, not yet filed). */
const STILL_WAITING = ['waiting', 'claimed', 'desk', 'confirming'];

/**
 * Puts a call on the call-back list, once: on the open entry for its number when there
 * is one (withheld numbers get their own), else on a new entry. A stronger reason (a
 * message) raises the entry's; a weaker one leaves it. A message left on a call whose
 * entry was already marked done opens it again (or joins the number's open one), so no
 * message goes unheard. Null when the call was already on the list and nothing changed.
 */
async function followUp(tx: Tx, callId: string, reason: CallBackReason, now: Date) {
  const call = await tx.call.findUniqueOrThrow({
    where: { id: callId },
    select: { clinicId: true, fromNumber: true, callBackId: true },
  });
  if (call.callBackId) {
    const entry = await tx.callBack.findUniqueOrThrow({ where: { id: call.callBackId } });
    if (RANK[reason] <= RANK[entry.reason as CallBackReason]) return null;
    if (!entry.doneAt) {
      await tx.callBack.update({ where: { id: entry.id }, data: { reason } });
      return { callBackId: entry.id, joined: entry.callId !== callId };
    }
    // Marked done before the message came: the message needs someone to hear it.
    const open = await openEntryFor(tx, call);
    if (open) {
      await tx.call.update({ where: { id: callId }, data: { callBackId: open.id } });
      if (RANK[reason] > RANK[open.reason as CallBackReason])
        await tx.callBack.update({ where: { id: open.id }, data: { reason } });
      return { callBackId: open.id, joined: true };
    }
    await tx.callBack.update({ where: { id: entry.id }, data: { reason, doneAt: null, doneBy: null } });
    return { callBackId: entry.id, joined: entry.callId !== callId };
  }
  // A race for the number's open entry is settled by its unique index: one insert wins,
  // the other joins. Should the open entry be marked done in between, try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    await tx.callBack.createMany({
      data: [{ clinicId: call.clinicId, callId, reason, fromNumber: call.fromNumber, createdAt: now }],
      skipDuplicates: true,
    });
    const entry = (await tx.callBack.findUnique({ where: { callId } })) ?? (await openEntryFor(tx, call));
    if (!entry) continue;
    await tx.call.update({ where: { id: callId }, data: { callBackId: entry.id } });
    if (RANK[reason] > RANK[entry.reason as CallBackReason])
      await tx.callBack.update({ where: { id: entry.id }, data: { reason } });
    return { callBackId: entry.id, joined: entry.callId !== callId };
  }
  throw new Error('could not put the call on the call-back list');
}

/** The number's open entry, if it has one (withheld numbers never share). */
function openEntryFor(tx: Tx, call: { clinicId: string; fromNumber: string }) {
  if (!joinsOpenEntry(call.fromNumber)) return Promise.resolve(null);
  return tx.callBack.findFirst({
    where: { clinicId: call.clinicId, fromNumber: call.fromNumber, doneAt: null },
    orderBy: { createdAt: 'asc' },
  });
}

/**
 * Twilio's stand-ins for a withheld caller ID (the keypad spelling of ANONYMOUS,
 * UNAVAILABLE, RESTRICTED and BLOCKED, or words): such callers are different people.
 * The partial unique index in the follow-up migration lists the same numbers.
 */
export const WITHHELD_NUMBERS = ['+266696687', '+86282452253', '+7378742833', '+2562533'];
export const joinsOpenEntry = (from: string) => from.startsWith('+') && !WITHHELD_NUMBERS.includes(from);

/**
 * Why the caller was not put through, noted where the line decides it (voicemail, a
 * full queue…). The first reason a call gets is kept: a repeated request changes nothing.
 */
export async function noteMissed(prisma: Prisma, callId: string, because: MissedBecause): Promise<void> {
  await prisma.call.updateMany({ where: { id: callId, missedBecause: null }, data: { missedBecause: because } });
}

/** What a follow-up tells the dashboards once its transaction has committed. */
export interface FollowedUp {
  clinicId: string;
  callId: string;
  callSid: string;
  /** Null when the call was already on the list (nothing new to show). */
  callBackId: string | null;
  joined: boolean;
  reason: CallBackReason;
  /** The caller hung up in the queue: the Live screen drops them. */
  leftQueue: boolean;
}

/** Tells the dashboards what a committed follow-up did. */
export function announceFollowUp(deps: Pick<Services, 'events'>, f: FollowedUp | null, now: Date): void {
  if (!f) return;
  if (f.leftQueue)
    deps.events.publish(
      'call.left_queue',
      f.clinicId,
      { callId: f.callId, callSid: f.callSid, reason: 'abandoned' },
      now,
    );
  if (f.callBackId)
    deps.events.publish(
      'callback.added',
      f.clinicId,
      { callBackId: f.callBackId, callId: f.callId, reason: f.reason, joined: f.joined },
      now,
    );
}

/** In the caller's transaction: a caller still waiting for reception (in one of `from`) is abandoned. Null if they were not. */
async function abandon(tx: Tx, callId: string, now: Date, from = STILL_WAITING): Promise<FollowedUp | null> {
  const left = await tx.call.updateMany({
    where: { id: callId, queueStatus: { in: from } },
    data: { queueStatus: 'abandoned', outcome: 'abandoned', claimedBy: null, answeredAt: null, answeredBy: null },
  });
  if (left.count === 0) return null;
  await tx.call.updateMany({ where: { id: callId, missedBecause: null }, data: { missedBecause: 'hung_up_waiting' } });
  const call = await tx.call.findUniqueOrThrow({
    where: { id: callId },
    select: { callSid: true, clinicId: true, fromNumber: true },
  });
  const followed = await followUp(tx, callId, 'abandoned', now);
  await addCallEvent(tx, callId, 'abandoned', now);
  await queueMissedCallText(tx, { clinicId: call.clinicId, to: call.fromNumber, now });
  return {
    clinicId: call.clinicId,
    callId,
    callSid: call.callSid,
    callBackId: followed?.callBackId ?? null,
    joined: followed?.joined ?? false,
    reason: 'abandoned',
    leftQueue: true,
  };
}

/**
 * The caller hung up while waiting for reception (queued, being put through, or the desk
 * phone ringing): an abandoned call, on the call-back list, with a "sorry we missed you"
 * text when the clinic sends texts. A call already answered or already gone to voicemail is left alone.
 */
export async function markAbandoned(deps: CallBackDeps, callId: string): Promise<void> {
  const now = deps.clock();
  announceFollowUp(deps, await deps.db.prisma.$transaction((tx) => abandon(tx, callId, now)), now);
}

/**
 * The browser that was ringing for a claimed caller never answered. If the caller has
 * already hung up (their final status came while the browser still rang, so it looked
 * answered), they are abandoned now; otherwise false, and the line carries on to voicemail.
 */
export async function abandonIfEnded(deps: CallBackDeps, callId: string): Promise<boolean> {
  const now = deps.clock();
  const followed = await deps.db.prisma.$transaction(async (tx) => {
    const ended = await tx.call.findFirst({ where: { id: callId, endedAt: { not: null } }, select: { id: true } });
    return ended ? abandon(tx, callId, now, ['answered']) : null;
  });
  announceFollowUp(deps, followed, now);
  return followed !== null;
}

/** What the call row says when its final status arrives. */
export interface EndedCall {
  id: string;
  direction: string;
  queueStatus: string | null;
  missedBecause: string | null;
  outcome: string | null;
}

/**
 * The call's final status, in the transaction that records it: the one moment every call
 * reaches, so the one that decides. A caller still waiting hung up (abandoned); a caller
 * the line could not put through (voicemail by the longest wait, a full queue, nobody
 * free, the desk phone unanswered, or their own choice) is a missed call unless a message
 * was left — the recording's callback may come before or after, and raises the entry to
 * a voicemail either way. Returns the call's outcome for the call log, and what to announce.
 */
export async function followUpEndedCall(
  tx: Tx,
  call: EndedCall,
  now: Date,
): Promise<{ outcome: string | null; followed: FollowedUp | null }> {
  if (call.direction !== 'inbound') return { outcome: call.outcome, followed: null };
  if (STILL_WAITING.includes(call.queueStatus ?? ''))
    return { outcome: 'abandoned', followed: await abandon(tx, call.id, now) };
  // Answered, already followed up (a hang-up in the queue, a call-back filed), or never wanted anyone.
  if (!call.missedBecause || ['answered', 'abandoned', 'call_back'].includes(call.queueStatus ?? ''))
    return { outcome: call.outcome, followed: null };
  const row = await tx.call.findUniqueOrThrow({
    where: { id: call.id },
    select: { callSid: true, clinicId: true, fromNumber: true, outcome: true },
  });
  const heard = row.outcome === 'voicemail';
  const reason: CallBackReason = heard ? 'voicemail' : 'missed';
  // What the call did stays its outcome (booked, then asked for a message; out of hours): only an empty one becomes missed.
  const outcome = row.outcome ?? reason;
  if (!row.outcome) await tx.call.update({ where: { id: call.id }, data: { outcome } });
  const f = await followUp(tx, call.id, reason, now);
  const closed = call.missedBecause === 'out_of_hours_message' || call.missedBecause === 'urgent_out_of_hours';
  // No "sorry we missed you" text in the night to someone who rang a closed clinic.
  if (f && !heard && !closed) await queueMissedCallText(tx, { clinicId: row.clinicId, to: row.fromNumber, now });
  return {
    outcome,
    followed: f && { ...f, clinicId: row.clinicId, callId: call.id, callSid: row.callSid, reason, leftQueue: false },
  };
}

export interface VoicemailCallback {
  callSid: string;
  recordingSid: string;
  status: 'in-progress' | 'completed' | 'absent' | 'failed';
  durationSeconds?: number;
  /** Whether its <Record> asked Twilio for a transcript; unknown (a lost callback found later): the clinic's setting. */
  transcriptAsked?: boolean;
  /** When Twilio made it, when that is long before now (a lost callback found later); the row dates from it. */
  recordedAt?: Date;
}

/**
 * A voicemail's recording callback. A message with sound makes the call a voicemail on
 * the call-back list, announced once (`voicemail.new`); a silent or failed one is only
 * filed (the call's final status puts the caller, who wanted someone, on the list).
 */
export async function applyVoicemailCallback(deps: CallBackDeps, cb: VoicemailCallback): Promise<void> {
  if (cb.status === 'in-progress') return;
  const status = cb.status;
  const now = deps.clock();
  const heard = cb.status === 'completed' && (cb.durationSeconds ?? 0) > 0;
  const result = await deps.db.prisma.$transaction(async (tx) => {
    const call = await tx.call.findUnique({
      where: { callSid: cb.callSid },
      select: {
        id: true,
        callSid: true,
        clinicId: true,
        fromNumber: true,
        clinic: { select: { transcribeVoicemails: true } },
      },
    });
    if (!call) return null;
    const asked = cb.transcriptAsked ?? call.clinic.transcribeVoicemails;
    const created = await tx.recording.createMany({
      data: [
        {
          clinicId: call.clinicId,
          callId: call.id,
          kind: 'voicemail',
          recordingSid: cb.recordingSid,
          status: recordingStatusOf(status, cb.durationSeconds),
          durationSeconds: cb.durationSeconds ?? null,
          transcriptStatus: transcriptAtFiling(asked, heard, cb.durationSeconds),
          createdAt: cb.recordedAt ?? now,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) return null; // a repeat
    const recording = await tx.recording.findUniqueOrThrow({
      where: { recordingSid: cb.recordingSid },
      select: { id: true },
    });
    await queueRecordingFetch(tx, cb.recordingSid, recording.id);
    if (!heard) return null;
    await tx.call.update({ where: { id: call.id }, data: { outcome: 'voicemail', queueStatus: 'left' } });
    await addCallEvent(tx, call.id, 'voicemail', now, { seconds: cb.durationSeconds ?? null });
    // The call's end may have come first and queued a "sorry we missed you": a message was left after all.
    await callOffMissedCallText(tx, { clinicId: call.clinicId, to: call.fromNumber });
    // Before or after the final status: either way the message is what the entry is about.
    const followed = await followUp(tx, call.id, 'voicemail', now);
    return { call, recordingId: recording.id, followed };
  });
  if (!result) return;
  deps.events.publish(
    'voicemail.new',
    result.call.clinicId,
    {
      callId: result.call.id,
      recordingId: result.recordingId,
      from: result.call.fromNumber,
      durationSeconds: cb.durationSeconds ?? null,
    },
    now,
  );
  announceFollowUp(
    deps,
    result.followed && {
      ...result.followed,
      clinicId: result.call.clinicId,
      callId: result.call.id,
      callSid: result.call.callSid,
      reason: 'voicemail',
      leftQueue: false,
    },
    now,
  );
}

export async function listCallBacks(prisma: Prisma, clinicId: string, open: boolean): Promise<CallBackEntry[]> {
  const rows = await prisma.callBack.findMany({
    where: { clinicId, doneAt: open ? null : { not: null } },
    orderBy: { createdAt: open ? 'asc' : 'desc' },
    take: 500,
    select: {
      id: true,
      reason: true,
      fromNumber: true,
      createdAt: true,
      doneAt: true,
      doneBy: true,
      requestedInQueue: true,
      ringNumber: true,
      joinedQueueAt: true,
      ringState: true,
      attemptsMade: true,
      assignedTo: true,
      closedBecause: true,
      attempts: {
        orderBy: { startedAt: 'asc' },
        select: { id: true, startedAt: true, result: true, note: true, staffId: true, via: true },
      },
      call: { select: { id: true, startedAt: true } },
      calls: {
        orderBy: { startedAt: 'asc' },
        select: {
          id: true,
          startedAt: true,
          outcome: true,
          missedBecause: true,
          queuedAt: true,
          endedAt: true,
          recordings: {
            where: { kind: 'voicemail' },
            select: { id: true, status: true, durationSeconds: true, transcriptStatus: true, createdAt: true },
          },
        },
      },
    },
  });
  const [staff, namesOn] = await Promise.all([
    prisma.user.findMany({
      where: {
        id: {
          in: rows.flatMap((r) => [
            ...(r.doneBy ? [r.doneBy] : []),
            ...(r.assignedTo ? [r.assignedTo] : []),
            ...r.attempts.flatMap((a) => (a.staffId ? [a.staffId] : [])),
          ]),
        },
      },
      select: { id: true, email: true, name: true },
    }),
    // Who the number belongs to, so the desk knows whom it is ringing back (a family may share one).
    namesOnNumbers(
      prisma,
      clinicId,
      rows.map((r) => r.fromNumber),
    ),
  ]);
  const people = new Map(staff.map((u) => [u.id, u]));
  const emailOf = (id: string | null) => (id ? (people.get(id)?.email ?? null) : null);
  const nameOf = (id: string | null) => (id ? (people.get(id)?.name ?? null) : null);
  // Open call-backs asked for from the queue are in their callers' places: when they first joined it.
  const place = (r: (typeof rows)[number]) => (r.joinedQueueAt ?? r.createdAt).getTime();
  if (open) rows.sort((a, b) => place(a) - place(b));
  return rows.map((r) => {
    const messages = r.calls.flatMap((c) => c.recordings).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const latest = messages.at(-1);
    return {
      id: r.id,
      reason: r.reason,
      fromNumber: r.fromNumber,
      callers: namesOn(r.fromNumber),
      createdAt: r.createdAt.toISOString(),
      callId: r.call.id,
      callStartedAt: r.call.startedAt.toISOString(),
      calls: r.calls.map((c) => ({
        id: c.id,
        startedAt: c.startedAt.toISOString(),
        outcome: c.outcome,
        missedBecause: c.missedBecause,
        waitedSeconds:
          c.queuedAt && c.endedAt ? Math.max(0, Math.round((c.endedAt.getTime() - c.queuedAt.getTime()) / 1000)) : null,
      })),
      queueCallBack: r.requestedInQueue
        ? {
            ringNumber: r.ringNumber,
            joinedQueueAt: r.joinedQueueAt?.toISOString() ?? null,
            state: r.ringState,
            attempts: r.attemptsMade,
          }
        : null,
      voicemail: latest
        ? {
            id: latest.id,
            status: latest.status,
            durationSeconds: latest.durationSeconds,
            transcriptStatus: latest.transcriptStatus,
          }
        : null,
      done: r.doneAt
        ? {
            at: r.doneAt.toISOString(),
            by: r.doneBy,
            email: emailOf(r.doneBy),
            name: nameOf(r.doneBy),
            because: r.closedBecause,
          }
        : null,
      assignedTo: r.assignedTo
        ? { userId: r.assignedTo, email: emailOf(r.assignedTo), name: nameOf(r.assignedTo) }
        : null,
      // Every try, the dialler's and the desk's, oldest first.
      tries: r.attempts.map((a) => ({
        id: a.id,
        at: a.startedAt.toISOString(),
        result: a.result,
        note: a.note,
        byHand: a.via === 'desk',
        fromBrowser: a.via === 'browser',
        email: emailOf(a.staffId),
        name: nameOf(a.staffId),
      })),
    };
  });
}

/**
 * Closes a call-back, once: the first close is recorded and told, closing again changes
 * nothing. One in hand is let go: a reservation's try is over before its ring (the dial
 * job sees it is no longer the try in hand), and a ring already placed runs out.
 */
async function closeCallBack(
  deps: CallBackDeps,
  entry: { id: string; clinicId: string },
  close: { by: string | null; because: Exclude<CallBackClosedBecause, 'rung_back'> },
): Promise<boolean> {
  const now = deps.clock();
  const before = await deps.db.prisma.callBack.findUnique({
    where: { id: entry.id },
    select: { callId: true, reservedBy: true, ringState: true },
  });
  const done = await deps.db.prisma.callBack.updateMany({
    where: { id: entry.id, clinicId: entry.clinicId, doneAt: null },
    data: {
      doneAt: now,
      doneBy: close.by,
      ringState: 'cancelled',
      reservedBy: null,
      attemptId: null,
      closedBecause: close.because,
    },
  });
  if (done.count === 0 || !before) return false;
  deps.events.publish(
    'callback.done',
    entry.clinicId,
    {
      callBackId: entry.id,
      callId: before.callId,
      doneBy: close.by,
      doneAt: now.toISOString(),
      because: close.because,
    },
    now,
  );
  if (before.reservedBy && before.ringState === 'reserved')
    deps.events.publish('callback.released', entry.clinicId, { callBackId: entry.id, staffId: before.reservedBy }, now);
  return true;
}

/** Marks a caller called back by hand: a call-back from the queue is not rung again. */
export async function markCalledBack(
  deps: CallBackDeps,
  clinicId: string,
  callBackId: string,
  userId: string,
  because: DeskCloseReason = 'by_hand',
) {
  const entry = await deps.db.prisma.callBack.findFirst({ where: { id: callBackId, clinicId } });
  if (!entry) throw new NotFound('No such call-back');
  await closeCallBack(deps, entry, { by: userId, because });
  return entry;
}

/** The reasons the desk closes a call-back with ("by_hand": just done). */
export const DESK_CLOSE_REASONS = [
  'by_hand',
  'spoke_to_them',
  'left_message',
  'not_needed',
  'wrong_number',
  'could_not_reach',
] as const satisfies readonly CallBackClosedBecause[];
export type DeskCloseReason = (typeof DESK_CLOSE_REASONS)[number];

/**
 * The patient cancelled the call-back they asked for from the queue (a key when ringing
 * again, a reply to the heads-up text): those still to be rung on the number are closed. A
 * ring already under way is left to run. Returns how many were closed.
 */
export async function cancelPendingCallBacks(
  deps: CallBackDeps,
  input: { clinicId: string; ringNumber: string },
): Promise<number> {
  if (!joinsOpenEntry(input.ringNumber)) return 0;
  const pending = await deps.db.prisma.callBack.findMany({
    where: {
      clinicId: input.clinicId,
      requestedInQueue: true,
      doneAt: null,
      ringNumber: input.ringNumber,
      ringState: { in: ['waiting', 'reserved'] },
    },
    select: { id: true, clinicId: true },
  });
  let closed = 0;
  for (const entry of pending)
    if (await closeCallBack(deps, entry, { by: null, because: 'cancelled_by_patient' })) closed++;
  return closed;
}
