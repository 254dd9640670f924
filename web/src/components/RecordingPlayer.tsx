import { useState } from 'react';
import { api, type ApiError } from '../api';
import type { CallRecording } from '../../../src/contracts/api';
import { VoicemailTranscript } from './VoicemailTranscript';

/** A call's recording, or a call-back's voicemail (which comes without its hold). */
export type RecordingInfo = Pick<CallRecording, 'id' | 'kind' | 'status' | 'durationSeconds' | 'transcriptStatus'> &
  Partial<Pick<CallRecording, 'legalHold' | 'holdReason'>>;

const STATUS: Record<string, string> = {
  completed: 'being fetched from Twilio',
  absent: 'no sound was recorded',
  failed: 'the recording failed',
};

/** A recording's player (the server streams and audits it), a voicemail's transcript beside it, and for owners the legal-hold switch. */
export function RecordingPlayer({
  clinicId,
  recording,
  owner,
  onChanged,
}: {
  clinicId: string;
  recording: RecordingInfo;
  owner: boolean;
  onChanged?: () => void;
}) {
  const base = `/api/clinics/${clinicId}/recordings/${recording.id}`;
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const label = recording.kind === 'voicemail' ? 'Voicemail' : 'Call recording';

  async function hold(on: boolean) {
    const reason = on
      ? window.prompt(
          'Why must this recording be kept past its retention period? (For example: a complaint reference.)',
        )
      : null;
    if (on && !reason) return;
    setBusy(true);
    setProblem('');
    try {
      await (on ? api('POST', `${base}/hold`, { reason }) : api('DELETE', `${base}/hold`));
      onChanged?.();
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="recording" role="group" aria-label={label}>
      <strong>{label}</strong>
      {recording.durationSeconds ? <span className="note">{recording.durationSeconds} s</span> : null}
      {recording.status === 'stored' ? (
        <>
          {/* preload="none": nothing is fetched (or audited) until someone presses play. */}
          <audio controls preload="none" src={`${base}/audio`} aria-label={`Play ${label.toLowerCase()}`} />
          <a href={`${base}/audio?download=1`} download>
            Download
          </a>
        </>
      ) : (
        <span className="note">{STATUS[recording.status] ?? recording.status}</span>
      )}
      {recording.legalHold && (
        <span className="hold">On legal hold{recording.holdReason ? `: ${recording.holdReason}` : ''}</span>
      )}
      {owner && (
        <button className="link" disabled={busy} onClick={() => hold(!recording.legalHold)}>
          {recording.legalHold ? 'Lift legal hold' : 'Put on legal hold'}
        </button>
      )}
      {problem && <span role="alert">{problem}</span>}
      {recording.transcriptStatus && (
        <VoicemailTranscript
          key={`${recording.id}:${recording.transcriptStatus}`}
          clinicId={clinicId}
          recording={{ ...recording, transcriptStatus: recording.transcriptStatus }}
        />
      )}
    </div>
  );
}
