// Twilio's side of a voicemail's transcript: the transcriptions it holds for a
// recording (a callback can be lost), and their deletion. A transcription is its own
// resource: deleting the recording does not delete it, so each is deleted by its sid.
import type { TwilioRest } from './rest.js';

export interface TwilioTranscription {
  sid: string;
  status: 'in-progress' | 'completed' | 'failed';
  text: string | null;
}

const notFound = (err: unknown) => (err as { status?: number }).status === 404;

/** The transcriptions Twilio holds for a recording; none when the recording is not (or no longer) there. */
export async function transcriptionsAtTwilio(twilio: TwilioRest, recordingSid: string): Promise<TwilioTranscription[]> {
  try {
    const listed = await twilio.recordings(recordingSid).transcriptions.list({ pageSize: 50 });
    return listed.map((t) => ({ sid: t.sid, status: t.status, text: t.transcriptionText ?? null }));
  } catch (err) {
    if (notFound(err)) return [];
    throw err;
  }
}

/** Deletes Twilio's copy of a transcription; one already gone counts as deleted. */
export async function deleteTranscriptionAtTwilio(twilio: TwilioRest, transcriptionSid: string): Promise<void> {
  try {
    await twilio.transcriptions(transcriptionSid).remove();
  } catch (err) {
    if (!notFound(err)) throw err;
  }
}
