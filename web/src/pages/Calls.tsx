import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../api';
import { useLiveEvents } from '../live/context';
import { callBackStory, callerNames, maskNumber, timeIn } from '../live/format';
import { Loaded } from '../components/Loaded';
import { RecordingPlayer } from '../components/RecordingPlayer';
import { CallBackWork } from '../calls/CallBackWork';
import { usePhone } from '../live/phone';
import type {
  CallBackEntry,
  CallBackList,
  CallLogPage,
  CallLogRow,
  CallTimeline,
  ClinicSummary,
} from '../../../src/contracts/api';
import { DateField } from '../components/DateField';
import { TableScroll } from '../components/TableScroll';

const OUTCOMES = [
  'booked',
  'moved',
  'cancelled',
  'reception',
  'voicemail',
  'missed',
  'abandoned',
  'out_of_hours',
  'failed',
  'call_back',
  'call_back_requested',
];

/** The call-back list, then the call log with filters, paging, CSV export and each call's timeline. */
export function Calls({ clinic, me }: { clinic: ClinicSummary; me?: string }) {
  const base = `/api/clinics/${clinic.id}`;
  const [filters, setFilters] = useState({ from: '', to: '', outcome: '' });
  const [calls, setCalls] = useState<Load<{ rows: CallLogRow[]; next: string | null }>>({ state: 'loading' });
  const [callBacks, setCallBacks] = useState<Load<CallBackEntry[]>>({ state: 'loading' });
  const [timeline, setTimeline] = useState<CallTimeline | null>(null);
  const [problem, setProblem] = useState('');

  const query = useCallback(
    (extra: Record<string, string> = {}) =>
      new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), ...extra }),
    [filters],
  );
  const loadCalls = useCallback(() => {
    loadInto(api<CallLogPage>('GET', `${base}/calls?${query({ limit: '50' })}`), setCalls, (r) => ({
      rows: r.calls,
      next: r.nextCursor,
    }));
  }, [base, query]);
  const loadCallBacks = useCallback(() => {
    loadInto(api<CallBackList>('GET', `${base}/call-backs`), setCallBacks, (r) => r.callBacks);
  }, [base]);
  useEffect(loadCalls, [loadCalls]);
  useEffect(loadCallBacks, [loadCallBacks]);
  useLiveEvents(
    (e) => {
      // A voicemail's audio home or its transcript in: the list's player and transcript say so.
      if (
        [
          'voicemail.new',
          'callback.added',
          'callback.done',
          'callback.worked',
          'recording.ready',
          'recording.transcribed',
        ].includes(e.name)
      )
        loadCallBacks();
      if (e.name === 'call.ended') loadCalls();
      if (e.name === 'recording.transcribed' && timeline?.id === e.data.callId) void openTimeline(e.data.callId);
    },
    () => {
      loadCalls();
      loadCallBacks();
    },
  );

  async function more() {
    if (calls.state !== 'ready' || !calls.value.next) return;
    const r = await api<CallLogPage>('GET', `${base}/calls?${query({ limit: '50', cursor: calls.value.next })}`);
    setCalls({ state: 'ready', value: { rows: [...calls.value.rows, ...r.calls], next: r.nextCursor } });
  }

  const openTimeline = (callId: string) =>
    api<CallTimeline>('GET', `${base}/calls/${callId}`).then(setTimeline, (err: ApiError) => setProblem(err.message));
  const when = (iso: string) => timeIn(iso, clinic.timeZone, clinic.locale);
  const { phone } = usePhone();
  return (
    <section aria-label="Calls">
      <h2>To call back</h2>
      {problem && <p role="alert">{problem}</p>}
      {phone.state === 'unavailable' && (
        <p className="note">Ringing back from this browser is off here. {phone.reason}</p>
      )}
      <Loaded load={callBacks} loading="Loading…">
        {(value) =>
          value.length === 0 ? (
            <p className="empty">Nobody is waiting for a call back.</p>
          ) : (
            <ul aria-label="Call-back list" className="cards">
              {value.map((cb) => (
                <li key={cb.id} className="card-row">
                  <strong>{callerNames(cb.callers, 'Unknown caller')}</strong>
                  <span>{cb.fromNumber}</span>
                  {cb.reason === 'voicemail' && cb.voicemail ? (
                    <RecordingPlayer
                      clinicId={clinic.id}
                      recording={{ ...cb.voicemail, kind: 'voicemail' }}
                      owner={false}
                    />
                  ) : (
                    <span>{cb.reason === 'requested' ? 'Call-back requested' : 'No message'}</span>
                  )}
                  <span className="note">
                    {cb.queueCallBack
                      ? `Asked to be called back${cb.queueCallBack.ringNumber ? ` on ${cb.queueCallBack.ringNumber}` : ''}${
                          cb.queueCallBack.joinedQueueAt
                            ? ` · place kept since ${when(cb.queueCallBack.joinedQueueAt)}`
                            : ''
                        }`
                      : callBackStory(cb.calls)}
                  </span>
                  <span className="note">{when(cb.createdAt)}</span>
                  <CallBackWork
                    base={base}
                    clinicId={clinic.id}
                    entry={cb}
                    me={me}
                    who={callerNames(cb.callers, cb.fromNumber)}
                    when={when}
                    onChanged={loadCallBacks}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>

      <h2>Call log</h2>
      <div className="row">
        <DateField label="From" value={filters.from} onChange={(from) => setFilters({ ...filters, from })} />
        <DateField label="To" value={filters.to} onChange={(to) => setFilters({ ...filters, to })} />
        <label>
          Outcome
          <select value={filters.outcome} onChange={(e) => setFilters({ ...filters, outcome: e.target.value })}>
            <option value="">Any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <a href={`${base}/calls.csv?${query()}`} download>
          Download CSV
        </a>
      </div>
      <Loaded load={calls} loading="Loading calls…" retry={loadCalls}>
        {(value) =>
          value.rows.length === 0 ? (
            <p className="empty">No calls match.</p>
          ) : (
            <>
              <TableScroll label="Call log">
                <table aria-label="Call log">
                  <thead>
                    <tr>
                      <th>Started</th>
                      <th>From</th>
                      <th>Outcome</th>
                      <th>Length</th>
                    </tr>
                  </thead>
                  <tbody>
                    {value.rows.map((c) => (
                      <tr key={c.id}>
                        <td>
                          <button className="link" onClick={() => openTimeline(c.id)}>
                            {when(c.startedAt)}
                          </button>
                        </td>
                        <td>{maskNumber(c.fromNumber)}</td>
                        <td>{c.outcome?.replace(/_/g, ' ') ?? c.status}</td>
                        <td>
                          {c.durationSeconds !== null
                            ? `${Math.floor(c.durationSeconds / 60)}:${String(c.durationSeconds % 60).padStart(2, '0')}`
                            : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {value.next && <button onClick={more}>More calls</button>}
            </>
          )
        }
      </Loaded>
      {timeline && (
        <div className="panel" role="region" aria-label="Call timeline">
          <h3>Call from {maskNumber(timeline.fromNumber)}</h3>
          <ol>
            {timeline.events.map((e, i) => (
              <li key={i}>
                {when(e.at)} — {e.kind.replace(/^status:/, 'status ')}
              </li>
            ))}
          </ol>
          {timeline.recordings.map((r) => (
            <RecordingPlayer
              key={r.id}
              clinicId={clinic.id}
              recording={r}
              owner={clinic.role === 'owner'}
              onChanged={() => openTimeline(timeline.id)}
            />
          ))}
          <button className="link" onClick={() => setTimeline(null)}>
            Close
          </button>
        </div>
      )}
    </section>
  );
}
