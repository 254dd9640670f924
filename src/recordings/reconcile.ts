// Twilio's list of recordings against ours: a callback lost (it came while the
// database was down, say) leaves a recording at Twilio that we never fetched or
// never deleted. This finds each and finishes the job, so nothing stays there — but
// a voicemail still waiting for its transcript is left to its wait — and deletes the
// transcriptions left there after their recordings.
import type { Services } from '../core/services.js';
import { schedulePeriodic } from '../jobs/periodic.js';
import { fileCallRecording, queueRecordingFetch } from './pipeline.js';
import { deleteCopiesAtTwilio, type TwilioCopiesDeps } from './twilio-copies.js';
import { waitsForTranscript } from './transcripts.js';

export const RECONCILE_EVERY_MS = 3_600_000;
// A recording younger than this may still have its callback on the way.
const GRACE_MS = 10 * 60_000;

export interface Reconciled {
  atTwilio: number;
  filed: number;
  deleted: number;
  fetching: number;
  /** Voicemails whose transcript is still awaited: Twilio's copy stays until it comes or the wait ends. */
  waiting: number;
}

/** A recording Twilio holds that we never heard of, as the callback would have said it. */
export interface LostCallback {
  callSid: string;
  recordingSid: string;
  status: 'completed' | 'absent';
  durationSeconds: number;
  /** When Twilio made it: a voicemail's wait for its transcript counts from then, so it is long over. */
  recordedAt: Date;
}

/** What a voicemail's lost callback does (it goes on the call-back list: src/reception, handed in by the composition root). */
export type FileVoicemail = (cb: LostCallback) => Promise<void>;

export async function reconcileRecordings(deps: TwilioCopiesDeps, fileVoicemail: FileVoicemail): Promise<Reconciled> {
  const result: Reconciled = { atTwilio: 0, filed: 0, deleted: 0, fetching: 0, waiting: 0 };
  if (!deps.twilio) return result;
  const { prisma } = deps.db;
  const now = deps.clock();
  const slot = new Date(Math.floor(now.getTime() / RECONCILE_EVERY_MS) * RECONCILE_EVERY_MS).toISOString();
  for (const r of await deps.twilio.recordings.list({ pageSize: 1000 })) {
    result.atTwilio++;
    if (r.status !== 'completed' && r.status !== 'absent') continue; // still recording or processing
    const row = await prisma.recording.findUnique({ where: { recordingSid: r.sid }, omit: { transcript: true } });
    if (row?.status === 'completed') {
      await queueRecordingFetch(prisma, r.sid, row.id, `reconcile:${slot}`);
      result.fetching++;
    } else if (row && waitsForTranscript(row, now)) {
      result.waiting++;
    } else if (row) {
      // Ours, stored or with nothing worth keeping: Twilio's copies should not exist.
      await deleteCopiesAtTwilio(deps, { ...row, deletedAtTwilio: null });
      result.deleted++;
    } else if (now.getTime() - r.dateCreated.getTime() >= GRACE_MS) {
      // A callback that never arrived — for one of our calls only; another application's recordings are not ours to touch.
      const call = await prisma.call.findUnique({ where: { callSid: r.callSid }, select: { id: true } });
      if (!call) continue;
      const cb = {
        callSid: r.callSid,
        recordingSid: r.sid,
        status: r.status,
        durationSeconds: Number(r.duration) > 0 ? Number(r.duration) : 0,
        recordedAt: r.dateCreated,
      };
      if (r.source === 'RecordVerb') await fileVoicemail(cb);
      else await fileCallRecording(prisma, cb, now);
      result.filed++;
    }
  }
  // Transcriptions Twilio still holds for recordings it no longer does (one whose callback came
  // after the wait, and whose job gave up): Twilio's list of recordings cannot show them.
  const left = await prisma.recording.findMany({
    where: { transcriptionSid: { not: null }, transcriptionDeletedAtTwilio: null, deletedAtTwilio: { not: null } },
    omit: { transcript: true },
    take: 1000,
  });
  for (const row of left) {
    await deleteCopiesAtTwilio(deps, row);
    result.deleted++;
  }
  return result;
}

export const scheduleReconciliation = (deps: Pick<Services, 'db' | 'clock'>, next = false) =>
  schedulePeriodic(deps.db.prisma, 'recordings.reconcile', RECONCILE_EVERY_MS, deps.clock(), next);
