// A recording's way from Twilio to here: the status callback files a row and a job;
// the job fetches the audio, encrypts it with the clinic's key, stores it, deletes
// Twilio's copies (./twilio-copies.ts), and announces `recording.ready`. A voicemail
// being transcribed keeps its copy at Twilio until the transcript's callback is filed
// (or the wait for it ends). Every step is safe to repeat, so a retried callback, a
// failed request or a killed process only runs it again.
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { queueJob } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { seal } from './crypto.js';
import type { RecordingStorage } from './storage.js';
import { clinicDataKey } from './keys.js';
import { fetchRecordingAudio } from '../twilio/recordings.js';
import { deleteCopiesAtTwilio } from './twilio-copies.js';
import { transcriptDueBy, waitsForTranscript, writeTranscript } from './transcripts.js';

export type RecordingKind = 'call' | 'voicemail';
type Tx = Pick<Prisma, 'job'> | PrismaTypes.TransactionClient;

/** What a recording's final callback says, as the row's status: sound to fetch, or nothing to keep. */
export const recordingStatusOf = (status: 'completed' | 'absent' | 'failed', durationSeconds: number | undefined) =>
  status === 'completed' ? ((durationSeconds ?? 0) > 0 ? 'completed' : 'absent') : status;

/** The job that brings a recording home (or, with nothing to keep, deletes Twilio's copy); `runAt` to look again later. */
export const queueRecordingFetch = (
  db: Tx,
  recordingSid: string,
  recordingId: string,
  why = 'callback',
  runAt?: Date,
) => queueJob(db, 'recording.fetch', { recordingId }, { dedupeKey: `recording.fetch:${recordingSid}:${why}`, runAt });

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

/** Fetches, encrypts and stores one recording, then deletes Twilio's copies unless its transcript is still awaited. */
export async function bringHome(deps: RecordingDeps, recordingId: string): Promise<void> {
  const { prisma } = deps.db;
  const recording = await prisma.recording.findUnique({ where: { id: recordingId }, omit: { transcript: true } });
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
  // Only once our copy is safe: Twilio's go, so the clinic's retention period is the only clock.
  // Deleting the recording before Twilio has transcribed it would lose the transcript: this
  // job looks again when the wait is over, unless the transcript's callback comes first.
  if (waitsForTranscript(recording, deps.clock()))
    await queueRecordingFetch(
      prisma,
      recording.recordingSid,
      recording.id,
      'transcript-due',
      transcriptDueBy(recording.createdAt),
    );
  else await deleteCopiesAtTwilio(deps, recording);
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

/** What Twilio posts to a voicemail's transcribeCallback, with the call its URL names. */
export interface TranscriptionCallback {
  /** The call id the callback's URL carries (ours; Twilio signed it with the rest). */
  callId: string;
  callSid: string;
  recordingSid: string;
  transcriptionSid: string;
  status: 'completed' | 'failed';
  text?: string;
}

/**
 * A voicemail's transcription callback: the text (or the failure) filed once on the
 * voicemail of the call the URL names, and Twilio's copies then deleted by the job.
 * One that names no such voicemail — another call's or clinic's recording, one
 * purged or erased — changes nothing. Returns whether it was filed.
 */
export async function fileTranscription(deps: RecordingDeps, cb: TranscriptionCallback): Promise<boolean> {
  const recording = await deps.db.prisma.recording.findUnique({
    where: { recordingSid: cb.recordingSid },
    select: {
      id: true,
      clinicId: true,
      callId: true,
      kind: true,
      transcriptStatus: true,
      call: { select: { callSid: true } },
    },
  });
  if (
    !recording ||
    recording.kind !== 'voicemail' ||
    recording.callId !== cb.callId ||
    recording.call.callSid !== cb.callSid
  )
    return false;
  return writeTranscript(
    deps,
    recording,
    cb.status === 'completed'
      ? { status: 'completed', transcriptionSid: cb.transcriptionSid, text: cb.text ?? '' }
      : { status: 'failed', transcriptionSid: cb.transcriptionSid },
    (tx) => queueRecordingFetch(tx, cb.recordingSid, recording.id, `transcribed:${cb.transcriptionSid}`),
  );
}
