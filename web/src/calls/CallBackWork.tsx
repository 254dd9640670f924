// Working one entry of the call-back list: who is on it ("Take it"), the tries so far
// (the dialler's and the desk's) with their notes, logging a try made by hand, and
// closing it with a reason; ringing them from this browser, which logs the try itself.
import { useState } from 'react';
import { api } from '../api';
import { useSubmit } from '../components/useSubmit';
import { usePhone } from '../live/phone';
import type { CallBackEntry } from '../../../src/contracts/api';

const TRY_RESULTS: Array<[string, string]> = [
  ['no_answer', 'No answer'],
  ['left_message', 'Left a message'],
  ['busy', 'Busy'],
  ['spoke_to_them', 'Spoke to them'],
  ['wrong_number', 'Wrong number'],
];
const CLOSE_REASONS: Array<[string, string]> = [
  ['by_hand', 'Called back'],
  ['spoke_to_them', 'Spoke to them'],
  ['left_message', 'Left a message'],
  ['not_needed', 'No longer needed'],
  ['wrong_number', 'Wrong number'],
  ['could_not_reach', 'Could not reach them'],
];
const RESULT_WORDS: Record<string, string> = {
  ...Object.fromEntries(TRY_RESULTS),
  connected: 'Put through',
  answered: 'They answered',
  cancelled: 'Hung up before they answered',
  no_end_heard: 'Ended (how, not heard)',
  machine: 'An answering machine',
  unconfirmed: 'Answered, did not press 1',
  failed: 'Could not be placed',
  not_put_through: 'Not put through',
};

export function CallBackWork(props: {
  base: string;
  clinicId: string;
  entry: CallBackEntry;
  me?: string;
  who: string;
  when: (iso: string) => string;
  onChanged: () => void;
}) {
  const { entry: cb, base } = props;
  const [logging, setLogging] = useState(false);
  const [result, setResult] = useState('no_answer');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('by_hand');
  const { busy, error, run } = useSubmit();
  const act = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      props.onChanged();
    });
  const mine = cb.assignedTo?.userId === props.me;
  const { phone, ringOut } = usePhone();
  const number = cb.queueCallBack?.ringNumber ?? cb.fromNumber;
  const canRing = number.startsWith('+') && (phone.state === 'ready' || phone.state === 'in-call');

  return (
    <div className="call-back-work">
      <div className="row">
        {cb.assignedTo ? (
          <span className="note">
            {mine ? 'You are on it.' : `${cb.assignedTo.name ?? cb.assignedTo.email ?? 'Someone'} is on it.`}
          </span>
        ) : null}
        {props.me && !mine && (
          <button
            className="secondary"
            disabled={busy}
            onClick={() => act(() => api('PUT', `${base}/call-backs/${cb.id}/assignee`, { userId: props.me }))}
            aria-label={`Take it: the call-back for ${props.who}`}
          >
            Take it
          </button>
        )}
        {mine && (
          <button
            className="link"
            disabled={busy}
            onClick={() => act(() => api('PUT', `${base}/call-backs/${cb.id}/assignee`, { userId: null }))}
          >
            Let it go
          </button>
        )}
        {canRing && (
          <button
            disabled={busy || phone.state !== 'ready'}
            onClick={() =>
              run(() => ringOut({ to: number, clinicId: props.clinicId, callBackId: cb.id, who: props.who }))
            }
            aria-label={`Ring ${number}, ${props.who}, from this browser`}
          >
            Ring {number}
          </button>
        )}
        <button className="link" onClick={() => setLogging(!logging)} aria-expanded={logging}>
          Log a try
        </button>
      </div>
      {cb.tries.length > 0 && (
        <ol className="tries" aria-label={`Tries to ring ${props.who} back`}>
          {cb.tries.map((t) => (
            <li key={t.id}>
              {props.when(t.at)} — {RESULT_WORDS[t.result ?? ''] ?? t.result?.replace(/_/g, ' ') ?? 'ringing'}
              {(t.name ?? t.email) &&
                ` (${t.name ?? t.email}${t.byHand ? ', by hand' : t.fromBrowser ? ', from the browser' : ''})`}
              {t.note && ` — “${t.note}”`}
            </li>
          ))}
        </ol>
      )}
      {logging && (
        <form
          className="row"
          aria-label={`Log a try to ring ${props.who} back`}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              await api('POST', `${base}/call-backs/${cb.id}/attempts`, { result, note: note || null });
              setLogging(false);
              setNote('');
            });
          }}
        >
          <label>
            What happened
            <select value={result} onChange={(e) => setResult(e.target.value)}>
              {TRY_RESULTS.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Note
            <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Save the try
          </button>
        </form>
      )}
      <div className="row">
        <label>
          Close as
          <select value={reason} onChange={(e) => setReason(e.target.value)}>
            {CLOSE_REASONS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <button disabled={busy} onClick={() => act(() => api('POST', `${base}/call-backs/${cb.id}/done`, { reason }))}>
          Mark called back
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
