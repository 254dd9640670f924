// A recording's way from Twilio to here: the status callback files a row and a job;
// the job fetches the audio, encrypts it with the clinic's key, stores it, deletes
// Twilio's copy, and announces `recording.ready`. Every step is safe to repeat, so a
// retried callback, a failed request or a killed process only runs it again.
import type { AppContext } from '../context.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { enqueueJob, PermanentJobError, type JobHandler } from '../jobs/runner.js';
import { periodic } from '../jobs/periodic.js';
import { seal } from './crypto.js';
import { RECONCILE_EVERY_MS, reconcileRecordings } from './reconcile.js';
import { purgeExpired } from './retention.js';
import { PURGE_EVERY_MS } from './retention-rules.js';
import { clinicDataKey } from './keys.js';
import { deleteAtTwilio, fetchRecordingAudio } from '../twilio/recordings.js';

export type RecordingKind = 'call' | 'voicemail';
type Tx = Pick<Prisma, 'job'> | PrismaTypes.TransactionClient;

/** What a recording's final callback says, as the row's status: sound to fetch, or nothing to keep. */
export const recordingStatusOf = (status: 'completed' | 'absent' | 'failed', durationSeconds: number | undefined) =>
  status === 'completed' ? ((durationSeconds ?? 0) > 0 ? 'completed' : 'absent') : status;

/** The job that brings a recording home (or, with nothing to keep, deletes Twilio's copy). */
export const queueRecordingFetch = (db: Tx, recordingSid: string, recordingId: string, why = 'callback') =>
  enqueueJob(db, 'recording.fetch', { recordingId }, { dedupeKey: `recording.fetch:${recordingSid}:${why}` });

/** A whole-call recording's final callback: one row per RecordingSid and its job, however often Twilio repeats it. */
export async function fileCallRecording(prisma: Prisma, cb: { callSid: string; recordingSid: string; status: 'completed' | 'absent' | 'failed'; durationSeconds?: number }, now: Date): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const call = await tx.call.findUnique({ where: { callSid: cb.callSid }, select: { id: true, clinicId: true } });
    if (!call) return;
    const created = await tx.recording.createMany({
      data: [{ clinicId: call.clinicId, callId: call.id, kind: 'call', recordingSid: cb.recordingSid, status: recordingStatusOf(cb.status, cb.durationSeconds), durationSeconds: cb.durationSeconds ?? null, createdAt: now }],
      skipDuplicates: true,
    });
    if (created.count === 0) return;
    const row = await tx.recording.findUniqueOrThrow({ where: { recordingSid: cb.recordingSid }, select: { id: true } });
    await queueRecordingFetch(tx, cb.recordingSid, row.id);
  });
}

/** Fetches, encrypts and stores one recording, then deletes it at Twilio. */
export async function bringHome(ctx: AppContext, recordingId: string): Promise<void> {
  const { prisma } = ctx.db;
  const recording = await prisma.recording.findUnique({ where: { id: recordingId } });
  if (!recording) return; // erased or purged meanwhile: nothing to do
  if (!ctx.twilio) throw new PermanentJobError('Twilio is not configured, so recordings cannot be fetched');
  let ready = false;
  if (recording.status === 'completed') {
    const audio = await fetchRecordingAudio(ctx.config, recording.recordingSid);
    if (audio.length === 0) {
      await prisma.recording.updateMany({ where: { id: recording.id, status: 'completed' }, data: { status: 'absent' } });
    } else {
      const key = await clinicDataKey(prisma, ctx.config.recordingsKey, recording.clinicId);
      await ctx.recordings.put(recording.id, seal(key, audio, recording.id));
      const stored = await prisma.recording.updateMany({ where: { id: recording.id, status: 'completed' }, data: { status: 'stored', sizeBytes: audio.length, storedAt: ctx.clock() } });
      ready = stored.count === 1;
    }
  }
  // Only once our copy is safe: Twilio's is deleted, so the clinic's retention period is the only clock.
  if (!recording.deletedAtTwilio) {
    await deleteAtTwilio(ctx.twilio, recording.recordingSid);
    await prisma.recording.updateMany({ where: { id: recording.id, deletedAtTwilio: null }, data: { deletedAtTwilio: ctx.clock() } });
  }
  if (ready) {
    ctx.events.publish('recording.ready', recording.clinicId, { recordingId: recording.id, callId: recording.callId, kind: recording.kind as RecordingKind, durationSeconds: recording.durationSeconds }, ctx.clock());
  }
}

export const recordingJobs = (ctx: AppContext): Record<string, JobHandler> => ({
  'recording.fetch': async (payload) => bringHome(ctx, (payload as { recordingId: string }).recordingId),
  // After an erasure or a clinic's closure: the row is gone, Twilio's copy must follow.
  'recording.delete-at-twilio': async (payload) => {
    if (!ctx.twilio) throw new PermanentJobError('Twilio is not configured, so its copy cannot be deleted');
    await deleteAtTwilio(ctx.twilio, (payload as { recordingSid: string }).recordingSid);
  },
  'recordings.reconcile': periodic(() => ctx.db.prisma, 'recordings.reconcile', RECONCILE_EVERY_MS, ctx.clock, async () => {
    const r = await reconcileRecordings(ctx);
    if (r.filed + r.deleted + r.fetching > 0) ctx.logger.info(r, 'reconciled recordings with Twilio');
  }),
  'retention.purge': periodic(() => ctx.db.prisma, 'retention.purge', PURGE_EVERY_MS, ctx.clock, async () => {
    const report = await purgeExpired({ db: ctx.db, storage: ctx.recordings, twilio: ctx.twilio, clock: ctx.clock, logger: ctx.logger });
    if (!report) ctx.logger.info('retention purge skipped: another run holds the lease');
    else ctx.logger.info({ clinics: report.clinics.length, ms: report.finishedAt.getTime() - report.startedAt.getTime() }, 'retention purge done');
  }),
});
