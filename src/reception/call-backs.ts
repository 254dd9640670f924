// The "to call back" list: voicemails, and callers who gave up waiting. One entry
// per call, whichever of Twilio's requests (queue action, status callback, recording
// callback) tells us first; each is safe to repeat.
import type { Prisma } from '../db/database.js';
import type { Services } from '../core/services.js';
import { addCallEvent } from '../calls/call-events.js';
import { queueRecordingFetch, recordingStatusOf } from '../recordings/pipeline.js';
import { queueMissedCallText } from '../texts/texts.js';
import { NotFound } from '../core/errors.js';

export type CallBackDeps = Pick<Services, 'db' | 'events' | 'clock'>;

/**
 * The caller hung up while waiting for reception (or before reception could take
 * them): an abandoned call, on the call-back list, with a "sorry we missed you" text
 * when the clinic sends texts. A call already answered or already gone to voicemail is left alone.
 */
export async function markAbandoned(deps: CallBackDeps, callId: string): Promise<void> {
  const now = deps.clock();
  const changed = await deps.db.prisma.$transaction(async (tx) => {
    const left = await tx.call.updateMany({
      where: { id: callId, queueStatus: { in: ['waiting', 'claimed', 'desk'] } },
      data: { queueStatus: 'abandoned', outcome: 'abandoned', claimedBy: null },
    });
    if (left.count === 0) return null;
    const call = await tx.call.findUniqueOrThrow({
      where: { id: callId },
      select: { id: true, callSid: true, clinicId: true, fromNumber: true },
    });
    await tx.callBack.createMany({
      data: [{ clinicId: call.clinicId, callId, reason: 'abandoned', fromNumber: call.fromNumber, createdAt: now }],
      skipDuplicates: true,
    });
    await addCallEvent(tx, callId, 'abandoned', now);
    await queueMissedCallText(tx, { clinicId: call.clinicId, to: call.fromNumber, now });
    return call;
  });
  if (changed)
    deps.events.publish(
      'call.left_queue',
      changed.clinicId,
      { callId, callSid: changed.callSid, reason: 'abandoned' },
      now,
    );
}

export interface VoicemailCallback {
  callSid: string;
  recordingSid: string;
  status: 'in-progress' | 'completed' | 'absent' | 'failed';
  durationSeconds?: number;
}

/**
 * A voicemail's recording callback. A message with sound lands on the call-back
 * list and is announced once (`voicemail.new`); a silent or failed one is recorded
 * as such, and the caller, who wanted someone, is on the list as abandoned.
 */
export async function applyVoicemailCallback(deps: CallBackDeps, cb: VoicemailCallback): Promise<void> {
  if (cb.status === 'in-progress') return;
  const status = cb.status;
  const now = deps.clock();
  const heard = cb.status === 'completed' && (cb.durationSeconds ?? 0) > 0;
  const result = await deps.db.prisma.$transaction(async (tx) => {
    const call = await tx.call.findUnique({
      where: { callSid: cb.callSid },
      select: { id: true, clinicId: true, fromNumber: true },
    });
    if (!call) return null;
    const created = await tx.recording.createMany({
      data: [
        {
          clinicId: call.clinicId,
          callId: call.id,
          kind: 'voicemail',
          recordingSid: cb.recordingSid,
          status: recordingStatusOf(status, cb.durationSeconds),
          durationSeconds: cb.durationSeconds ?? null,
          createdAt: now,
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
    if (heard) {
      await tx.call.update({ where: { id: call.id }, data: { outcome: 'voicemail', queueStatus: 'left' } });
      await addCallEvent(tx, call.id, 'voicemail', now, { seconds: cb.durationSeconds ?? null });
      // A caller who waited, gave up on the queue and then left a message: the message is what matters.
      await tx.callBack.upsert({
        where: { callId: call.id },
        create: {
          clinicId: call.clinicId,
          callId: call.id,
          reason: 'voicemail',
          fromNumber: call.fromNumber,
          createdAt: now,
        },
        update: { reason: 'voicemail' },
      });
    } else {
      await tx.call.updateMany({
        where: { id: call.id, outcome: { notIn: ['booked', 'moved', 'cancelled'] } },
        data: { outcome: 'abandoned' },
      });
      await tx.callBack.createMany({
        data: [
          {
            clinicId: call.clinicId,
            callId: call.id,
            reason: 'abandoned',
            fromNumber: call.fromNumber,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
      await queueMissedCallText(tx, { clinicId: call.clinicId, to: call.fromNumber, now });
    }
    return { call, recordingId: recording.id };
  });
  if (result && heard) {
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
  }
}

export async function listCallBacks(prisma: Prisma, clinicId: string, open: boolean) {
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
      call: {
        select: {
          id: true,
          startedAt: true,
          recordings: { where: { kind: 'voicemail' }, select: { id: true, status: true, durationSeconds: true } },
        },
      },
    },
  });
  const [staff, patients] = await Promise.all([
    prisma.user.findMany({
      where: { id: { in: rows.flatMap((r) => (r.doneBy ? [r.doneBy] : [])) } },
      select: { id: true, email: true },
    }),
    // Who the number belongs to, so the desk knows whom it is ringing back (a family may share one).
    prisma.patient.findMany({
      where: { clinicId, phone: { in: [...new Set(rows.map((r) => r.fromNumber))] } },
      select: { name: true, phone: true },
      orderBy: { name: 'asc' },
    }),
  ]);
  const emails = new Map(staff.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    id: r.id,
    reason: r.reason,
    fromNumber: r.fromNumber,
    callers: patients.filter((p) => p.phone === r.fromNumber).map((p) => ({ name: p.name })),
    createdAt: r.createdAt,
    callId: r.call.id,
    callStartedAt: r.call.startedAt,
    voicemail: r.call.recordings[0] ?? null,
    done: r.doneAt ? { at: r.doneAt, by: r.doneBy, email: r.doneBy ? (emails.get(r.doneBy) ?? null) : null } : null,
  }));
}

/** Marks a caller called back. The first to mark it is recorded; marking again changes nothing. */
export async function markCalledBack(deps: CallBackDeps, clinicId: string, callBackId: string, userId: string) {
  const now = deps.clock();
  const done = await deps.db.prisma.callBack.updateMany({
    where: { id: callBackId, clinicId, doneAt: null },
    data: { doneAt: now, doneBy: userId },
  });
  const entry = await deps.db.prisma.callBack.findFirst({ where: { id: callBackId, clinicId } });
  if (!entry) throw new NotFound('No such call-back');
  if (done.count === 1)
    deps.events.publish(
      'callback.done',
      clinicId,
      { callBackId, callId: entry.callId, doneBy: userId, doneAt: now.toISOString() },
      now,
    );
  return entry;
}
