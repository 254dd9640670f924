import { useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../api';
import type { RecordingTranscript } from '../../../src/contracts/api';

/** Why a voicemail has no transcript, in the receptionist's words. */
function noTranscript(status: string, seconds: number | null): string {
  if (status === 'awaited') return 'Transcript on its way from Twilio…';
  if (status === 'failed') return 'No transcript: Twilio could not make one of this message.';
  if (status === 'timed_out') return 'No transcript: none came from Twilio in time.';
  if (status === 'out_of_range')
    return `No transcript: the message is too ${(seconds ?? 0) < 2 ? 'short' : 'long'} for Twilio to transcribe (it takes 2 seconds to 2 minutes).`;
  return `No transcript (${status}).`;
}

/**
 * What Twilio made of a voicemail, beside its player. The text is fetched (and the
 * reading audited) only once there is one; give it a `key` with the status, so a
 * transcript that arrives replaces the "on its way".
 */
export function VoicemailTranscript({
  clinicId,
  recording,
}: {
  clinicId: string;
  recording: { id: string; transcriptStatus: string; durationSeconds: number | null };
}) {
  const completed = recording.transcriptStatus === 'completed';
  const [load, setLoad] = useState<Load<RecordingTranscript>>({ state: 'loading' });
  useEffect(() => {
    if (!completed) return;
    loadInto(
      api<RecordingTranscript>('GET', `/api/clinics/${clinicId}/recordings/${recording.id}/transcript`),
      setLoad,
      (r) => r,
    );
  }, [clinicId, recording.id, completed]);

  let shown;
  if (!completed)
    shown = <span className="note">{noTranscript(recording.transcriptStatus, recording.durationSeconds)}</span>;
  else if (load.state === 'loading') shown = <span className="note">Loading the transcript…</span>;
  else if (load.state === 'error') shown = <span role="alert">{load.message}</span>;
  else if (!load.value.text) shown = <span className="note">Twilio heard no words in this message.</span>;
  else shown = <q>{load.value.text}</q>;
  return (
    <div className="voicemail-transcript" role="group" aria-label="Transcript">
      {shown}
    </div>
  );
}
