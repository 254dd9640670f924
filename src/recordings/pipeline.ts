// A recording's way from Twilio to here: the status callback files a row and a job;
// the job fetches the audio, encrypts it with the clinic's key, stores it, deletes
// Twilio's copy, and announces `recording.ready`. Every step is safe to repeat, so a
// retried callback, a failed request or a killed process only runs it again.
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { queueJob } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { seal } from './crypto.js';
import type { RecordingStorage } from './storage.js';
import { clinicDataKey } from './keys.js';
import { deleteAtTwilio, fetchRecordingAudio } from '../twilio/recordings.js';

export type RecordingKind = 'call' | 'voicemail';
type Tx = Pick<Prisma, 'job'> | PrismaTypes.TransactionClient;

/** What a recording's final callback says, as the row's status: sound to fetch, or nothing to keep. */
export const recordingStatusOf = (status: 'completed' | 'absent' | 'failed', durationSeconds: number | undefined) =>
  status === 'completed' ? ((durationSeconds ?? 0) > 0 ? 'completed' : 'absent') : status;

/** The job that brings a recording home (or, with nothing to keep, deletes Twilio's copy). */
export const queueRecordingFetch = (db: Tx, recordingSid: string, recordingId: string, why = 'callback') =>
  queueJob(db, 'recording.fetch', { recordingId }, { dedupeKey: `recording.fetch:${recordingSid}:${why}` });

/** A whole-call recording's final callback: one row per RecordingSid and its job, however often Twilio repeats it. */
export async function fileCallRecording(
  prisma: Prisma,
  cb: { callSid: string; recordingSid: string; status: 'completed' | 'absent' | 'failed'; durationSeconds?: number },
  now: Date,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const call = await tx.call.findUnique({ where: { callSid: cb.callSid }, select: { id: true, clinicId: true } });
    if (!call) return;
    const created = await tx.recording.createMany({
      data: [
        {
          clinicId: call.clinicId,
          callId: call.id,
          kind: 'call',
          recordingSid: cb.recordingSid,
          status: recordingStatusOf(cb.status, cb.durationSeconds),
          durationSeconds: cb.durationSeconds ?? null,
          createdAt: now,
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) return;
    const row = await tx.recording.findUniqueOrThrow({
      where: { recordingSid: cb.recordingSid },
      select: { id: true },
    });
    await queueRecordingFetch(tx, cb.recordingSid, row.id);
  });
}

export interface RecordingDeps extends Pick<Services, 'config' | 'db' | 'twilio' | 'clock' | 'events'> {
  recordings: RecordingStorage;
}

/** Fetches, encrypts and stores one recording, then deletes it at Twilio. */
export async function bringHome(deps: RecordingDeps, recordingId: string): Promise<void> {
  const { prisma } = deps.db;
  const recording = await prisma.recording.findUnique({ where: { id: recordingId } });
  if (!recording) return; // erased or purged meanwhile: nothing to do
  if (!deps.twilio) throw new PermanentJobError('Twilio is not configured, so recordings cannot be fetched');
  let ready = false;
  if (recording.status === 'completed') {
    const audio = await fetchRecordingAudio(deps.config, recording.recordingSid);
    if (audio.length === 0) {
      await prisma.recording.updateMany({
        where: { id: recording.id, status: 'completed' },
        data: { status: 'absent' },
      });
    } else {
      const key = await clinicDataKey(prisma, deps.config.recordingsKey, recording.clinicId);
      await deps.recordings.put(recording.id, seal(key, audio, recording.id));
      const stored = await prisma.recording.updateMany({
        where: { id: recording.id, status: 'completed' },
        data: { status: 'stored', sizeBytes: audio.length, storedAt: deps.clock() },
      });
      ready = stored.count === 1;
    }
  }
  // Only once our copy is safe: Twilio's is deleted, so the clinic's retention period is the only clock.
  if (!recording.deletedAtTwilio) {
    await deleteAtTwilio(deps.twilio, recording.recordingSid);
    await prisma.recording.updateMany({
      where: { id: recording.id, deletedAtTwilio: null },
      data: { deletedAtTwilio: deps.clock() },
    });
  }
  if (ready) {
    deps.events.publish(
      'recording.ready',
      recording.clinicId,
      {
        recordingId: recording.id,
        callId: recording.callId,
        kind: recording.kind as RecordingKind,
        durationSeconds: recording.durationSeconds,
      },
      deps.clock(),
    );
  }
}
