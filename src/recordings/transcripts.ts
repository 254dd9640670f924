// A voicemail's transcript. Twilio transcribes a <Record> when asked (`transcribe`,
// `transcribeCallback`), for messages of 2 seconds to 2 minutes, and posts the text to
// our callback some time after the recording's own callback. Deleting the recording
// at Twilio before then loses the transcript, so Twilio's copy is kept until the
// transcript is in or TRANSCRIPT_WAIT_MS has passed (./twilio-copies.ts). The text is
// personal data: sealed with the clinic's key like the audio, read only by those who
// may hear the voicemail (audited), exported with the patient and destroyed with the
// recording, here and at Twilio.
import type { Services } from '../core/services.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { open, seal } from './crypto.js';
import { clinicDataKey } from './keys.js';

/** What Twilio transcribes: longer or shorter messages get no transcript (its warning 13617). */
export const TRANSCRIBED_SECONDS = { min: 2, max: 120 } as const;

/**
 * How long Twilio's copy of a voicemail waits for its transcript. Twilio's transcripts
 * of messages this short usually come within a minute or two; ten minutes covers a slow
 * spell several times over, costs the clinic nothing (the audio plays as soon as it is
 * home; only the deletion at Twilio waits) and keeps the copy there no longer than a
 * lost recording callback already may (reconciliation's grace).
 */
export const TRANSCRIPT_WAIT_MS = 10 * 60_000;

/**
 * null: no transcript was asked for (a whole call, a clinic that does not transcribe);
 * awaited; completed (the text is held); failed (Twilio could not); timed_out (none came
 * within the wait); out_of_range (too short or too long for Twilio to transcribe).
 */
export type TranscriptStatus = 'awaited' | 'completed' | 'failed' | 'timed_out' | 'out_of_range';

/** A voicemail's transcript as its recording is filed: awaited only when Twilio will make one. */
export function transcriptAtFiling(
  asked: boolean,
  heard: boolean,
  seconds: number | undefined,
): TranscriptStatus | null {
  if (!asked || !heard) return null;
  const s = seconds ?? 0;
  return s >= TRANSCRIBED_SECONDS.min && s <= TRANSCRIBED_SECONDS.max ? 'awaited' : 'out_of_range';
}

/** When the wait for a voicemail's transcript ends (measured from when its recording was filed). */
export const transcriptDueBy = (createdAt: Date): Date => new Date(createdAt.getTime() + TRANSCRIPT_WAIT_MS);

/** Whether Twilio's copy must still wait for the transcript at `now`. */
export const waitsForTranscript = (r: { transcriptStatus: string | null; createdAt: Date }, now: Date): boolean =>
  r.transcriptStatus === 'awaited' && now < transcriptDueBy(r.createdAt);

// Bound to the row as the audio is, but not to the same words: a transcript copied over the audio (or back) does not open.
const boundTo = (recordingId: string) => `transcript:${recordingId}`;

export const sealTranscript = (key: Buffer, text: string, recordingId: string): Buffer =>
  seal(key, Buffer.from(text, 'utf8'), boundTo(recordingId));

export const openTranscript = (key: Buffer, sealed: Uint8Array, recordingId: string): string =>
  open(key, Buffer.from(sealed), boundTo(recordingId)).toString('utf8');

/** What Twilio said of a transcript, through its callback or its list; `timed_out` when nothing came in time. */
export type TranscriptNews =
  | { status: 'completed'; transcriptionSid: string; text: string }
  | { status: 'failed'; transcriptionSid: string }
  /** With the sid of the transcription still in progress at Twilio, if one was there. */
  | { status: 'timed_out'; transcriptionSid: string | null };

type TranscriptRow = { id: string; clinicId: string; callId: string; transcriptStatus: string | null };
type Tx = PrismaTypes.TransactionClient;

/**
 * Writes what Twilio said of a voicemail's transcript, once: the text goes in while none
 * is held, a failure only while no transcription is known, a time-out only while one is
 * awaited — so a repeated or replayed callback changes nothing. `alsoInTx` runs in the
 * same transaction when the row changed. Announces `recording.transcribed`; true when written.
 */
export async function writeTranscript(
  deps: Pick<Services, 'db' | 'config' | 'clock' | 'events'>,
  row: TranscriptRow,
  news: TranscriptNews,
  alsoInTx?: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  const { prisma } = deps.db;
  // Twilio's failure of a message too short or too long says nothing new: it stays out of range.
  const status = news.status === 'failed' && row.transcriptStatus === 'out_of_range' ? 'out_of_range' : news.status;
  let change: { where: PrismaTypes.RecordingWhereInput; data: PrismaTypes.RecordingUpdateManyMutationInput };
  if (news.status === 'completed') {
    const key = await clinicDataKey(prisma, deps.config.recordingsKey, row.clinicId);
    change = {
      where: { transcript: null, OR: [{ transcriptionSid: null }, { transcriptionSid: news.transcriptionSid }] },
      data: {
        transcriptionSid: news.transcriptionSid,
        transcript: new Uint8Array(sealTranscript(key, news.text.trim(), row.id)),
        transcriptionDeletedAtTwilio: null,
      },
    };
  } else if (news.status === 'failed')
    change = {
      where: { transcript: null, transcriptionSid: null },
      data: { transcriptionSid: news.transcriptionSid, transcriptionDeletedAtTwilio: null },
    };
  else change = { where: { transcriptStatus: 'awaited' }, data: { transcriptionSid: news.transcriptionSid } };
  const written = await prisma.$transaction(async (tx) => {
    const { count } = await tx.recording.updateMany({
      where: { id: row.id, ...change.where },
      data: { transcriptStatus: status, ...change.data },
    });
    if (count === 1) await alsoInTx?.(tx);
    return count === 1;
  });
  if (written)
    deps.events.publish(
      'recording.transcribed',
      row.clinicId,
      { recordingId: row.id, callId: row.callId, status },
      deps.clock(),
    );
  return written;
}
