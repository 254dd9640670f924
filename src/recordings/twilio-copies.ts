// Twilio's copies of a recording — the audio and, for a transcribed voicemail, the
// transcription — deleted once ours are safe, so the clinic's retention period is
// the only clock. A transcription is its own resource at Twilio: deleting the
// recording neither takes it nor, in flight, lets it finish, so the transcriptions
// go first and the recording only when its transcript is in or given up.
import type { Services } from '../core/services.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { queueJob } from '../jobs/kinds.js';
import { deleteAtTwilio } from '../twilio/recordings.js';
import {
  deleteTranscriptionAtTwilio,
  transcriptionsAtTwilio,
  type TwilioTranscription,
} from '../twilio/transcriptions.js';
import { writeTranscript } from './transcripts.js';

export type TwilioCopiesDeps = Pick<Services, 'db' | 'twilio' | 'clock' | 'config' | 'events'>;

/** What deciding about a recording's copies at Twilio needs of its row. */
export interface TwilioCopies {
  id: string;
  clinicId: string;
  callId: string;
  recordingSid: string;
  deletedAtTwilio: Date | null;
  transcriptStatus: string | null;
  transcriptionSid: string | null;
  transcriptionDeletedAtTwilio: Date | null;
}

/**
 * Deletes Twilio's copies of a recording whose row stays. A transcript still awaited is
 * settled first from Twilio's own list (its callback may have been lost; one still in
 * progress is given up); then everything goes (deleteAllAtTwilio) and the row says so.
 * A failure throws, for a retry.
 */
export async function deleteCopiesAtTwilio(deps: TwilioCopiesDeps, row: TwilioCopies): Promise<void> {
  const twilio = deps.twilio;
  if (!twilio) throw new Error('Twilio is not configured, so its copies cannot be deleted');
  const transcribed = row.transcriptStatus !== null;
  const recordingThere = !row.deletedAtTwilio;
  let transcriptionSid = row.transcriptionDeletedAtTwilio ? null : row.transcriptionSid;
  const listed = transcribed && recordingThere ? await transcriptionsAtTwilio(twilio, row.recordingSid) : [];
  if (row.transcriptStatus === 'awaited') {
    const done = listed.find((t) => t.status === 'completed');
    const failed = listed.find((t) => t.status === 'failed');
    const unfinished = listed.find((t) => t.status === 'in-progress');
    await writeTranscript(
      deps,
      row,
      done
        ? { status: 'completed', transcriptionSid: done.sid, text: done.text ?? '' }
        : failed
          ? { status: 'failed', transcriptionSid: failed.sid }
          : { status: 'timed_out', transcriptionSid: unfinished?.sid ?? null },
    );
    transcriptionSid ??= (done ?? failed ?? unfinished)?.sid ?? null;
  }
  if (!recordingThere && !transcriptionSid) return;
  await deleteAllAtTwilio(
    twilio,
    { recordingSid: row.recordingSid, recordingThere, transcribed, transcriptionSid },
    listed,
  );
  const { prisma } = deps.db;
  const now = deps.clock();
  if (recordingThere)
    await prisma.recording.updateMany({ where: { id: row.id, deletedAtTwilio: null }, data: { deletedAtTwilio: now } });
  // Only the transcription deleted here: a callback may have named another meanwhile, which its own job deletes.
  if (transcriptionSid)
    await prisma.recording.updateMany({
      where: { id: row.id, transcriptionSid, transcriptionDeletedAtTwilio: null },
      data: { transcriptionDeletedAtTwilio: now },
    });
}

/** What of a recording may be at Twilio: the recording (unless gone), the transcriptions it holds (when transcribed), a known transcription. */
export interface AtTwilio {
  recordingSid: string;
  recordingThere: boolean;
  transcribed: boolean;
  transcriptionSid: string | null;
}

/**
 * Deletes a recording's copies at Twilio: each transcription first — the one we know,
 * and those Twilio lists under the recording while it is there — then the recording.
 * One already gone counts as deleted.
 */
export async function deleteAllAtTwilio(
  twilio: NonNullable<Services['twilio']>,
  c: AtTwilio,
  listed?: TwilioTranscription[],
): Promise<void> {
  const transcriptions = new Set(c.transcriptionSid ? [c.transcriptionSid] : []);
  if (c.transcribed && c.recordingThere)
    for (const t of listed ?? (await transcriptionsAtTwilio(twilio, c.recordingSid))) transcriptions.add(t.sid);
  for (const sid of transcriptions) await deleteTranscriptionAtTwilio(twilio, sid);
  if (c.recordingThere) await deleteAtTwilio(twilio, c.recordingSid);
}

/** A row's copies at Twilio, as deleteAllAtTwilio takes them. */
export const atTwilioOf = (
  r: Pick<
    TwilioCopies,
    'recordingSid' | 'deletedAtTwilio' | 'transcriptStatus' | 'transcriptionSid' | 'transcriptionDeletedAtTwilio'
  >,
): AtTwilio => ({
  recordingSid: r.recordingSid,
  recordingThere: !r.deletedAtTwilio,
  transcribed: r.transcriptStatus !== null,
  transcriptionSid: r.transcriptionDeletedAtTwilio ? null : r.transcriptionSid,
});

/**
 * When the rows go at once (a patient's erasure, a clinic's closure): a job per recording
 * with anything left at Twilio, keyed only by Twilio's ids, retried until it is gone.
 */
export async function queueDeletionsAtTwilio(
  tx: PrismaTypes.TransactionClient,
  rows: Array<Parameters<typeof atTwilioOf>[0]>,
): Promise<void> {
  for (const r of rows.map(atTwilioOf)) {
    if (!r.recordingThere && !r.transcriptionSid) continue;
    await queueJob(
      tx,
      'recording.delete-at-twilio',
      {
        recordingSid: r.recordingSid,
        ...(r.transcribed ? { transcribed: true } : {}),
        ...(r.transcriptionSid ? { transcriptionSid: r.transcriptionSid } : {}),
      },
      { dedupeKey: `recording.delete-at-twilio:${r.recordingSid}` },
    );
  }
}
