// The caller's card on the Live screen: who it may be, with their notes and
// appointments, the number's recent calls and open call-backs; book, move or cancel from
// it; a new patient from an unknown number; and a short note on the call.
import { useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../api';
import { Loaded } from '../components/Loaded';
import { useSubmit } from '../components/useSubmit';
import { AppointmentPanel } from '../calendar/AppointmentPanel';
import { BookForm } from '../calendar/BookForm';
import { useDiarySetup } from '../calendar/useDiarySetup';
import { wallClock } from '../calendar/grid';
import { PatientForm } from '../patients/PatientForm';
import { useLiveEvents } from './context';
import { maskNumber, timeIn } from './format';
import type { CallerCard as Card, CallNote, ClinicSummary, PatientSummary } from '../../../src/contracts/api';
import { birthDate } from '../format/dates';
import { useFocusOnOpen } from '../components/useFocusOnOpen';
import { Outcome } from '../components/Outcome';

type Patient = Card['patients'][number];
type Doing = { kind: 'book'; patient: Patient } | { kind: 'appointment'; id: string } | { kind: 'new' } | null;

export function CallerCard({
  clinic,
  callId,
  onClose,
}: {
  clinic: ClinicSummary;
  callId: string;
  onClose: () => void;
}) {
  const focusHere = useFocusOnOpen<HTMLDivElement>();
  const base = `/api/clinics/${clinic.id}`;
  const [card, setCard] = useState<Load<Card>>({ state: 'loading' });
  const [doing, setDoing] = useState<Doing>(null);
  const [notice, setNotice] = useState('');
  const { practitioners, types } = useDiarySetup(base);
  const load = useCallback(
    () => loadInto(api<Card>('GET', `${base}/calls/${callId}/card`), setCard, (c) => c),
    [base, callId],
  );
  useEffect(load, [load]);
  useLiveEvents((e) => {
    if (e.name.startsWith('appointment.')) load();
  }, load);
  const when = (iso: string) => timeIn(iso, clinic.timeZone, clinic.locale);
  const nameOf = (id: string) => practitioners.find((p) => p.id === id)?.name ?? '';
  const done = (text: string) => {
    setNotice(text);
    setDoing(null);
    load();
  };

  return (
    <div className="panel caller-card" role="region" aria-label="Caller's card" tabIndex={-1} ref={focusHere}>
      <Loaded load={card} loading="Loading the caller's card…" retry={load}>
        {(c) => {
          const opened =
            doing?.kind === 'appointment'
              ? c.patients.flatMap((p) => [...p.next, ...p.recent]).find((a) => a.id === doing.id)
              : undefined;
          return (
            <>
              <div className="row">
                <h2>
                  {c.patients.filter((p) => p.onThisNumber).length
                    ? c.patients
                        .filter((p) => p.onThisNumber)
                        .map((p) => p.name)
                        .join(' or ')
                    : 'Unknown caller'}
                </h2>
                <span className="number">
                  {/^\+\d+$/.test(c.call.number) ? c.call.number : maskNumber(c.call.number)}
                </span>
                <button className="link" onClick={onClose}>
                  Close the card
                </button>
              </div>
              <p className="warning">
                Caller ID can be faked: confirm who you are speaking to (their name and date of birth) before discussing
                their record.
              </p>
              <Outcome text={notice} />
              {c.patients.length === 0 && (
                <p className="empty">
                  No patient has this number.{' '}
                  {doing?.kind !== 'new' && (
                    <button className="link" onClick={() => setDoing({ kind: 'new' })}>
                      New patient
                    </button>
                  )}
                </p>
              )}
              {doing?.kind === 'new' && (
                <PatientForm
                  base={base}
                  start={{ phones: /^\+\d+$/.test(c.call.number) ? [c.call.number] : [] }}
                  onSaved={(p: PatientSummary) => done(`Added ${p.name}.`)}
                  onCancel={() => setDoing(null)}
                />
              )}
              {c.patients.map((p) => (
                <div key={p.id} className="card-patient" role="group" aria-label={p.name}>
                  <h3>
                    {p.name}
                    {p.dateOfBirth && <span className="note"> born {birthDate(p.dateOfBirth, clinic.locale)}</span>}
                  </h3>
                  {!p.onThisNumber && p.guardian && (
                    <p className="note">
                      Booked for by {p.guardian.name}
                      {p.guardianRelation && ` (${p.guardianRelation})`}
                    </p>
                  )}
                  {p.notes && (
                    <p className="note" aria-label={`Notes on ${p.name}`}>
                      {p.notes}
                    </p>
                  )}
                  {p.noShows > 0 && <p className="note">Missed {p.noShows} appointment(s).</p>}
                  <p>
                    <strong>Next:</strong> {p.next.length === 0 && 'nothing booked.'}
                  </p>
                  {p.next.length > 0 && (
                    <ul aria-label={`${p.name}'s next appointments`}>
                      {p.next.map((a) => (
                        <li key={a.id}>
                          <button className="link" onClick={() => setDoing({ kind: 'appointment', id: a.id })}>
                            {when(a.startsAt)} — {a.type.name} with {a.practitioner.name}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                  {p.recent.length > 0 && (
                    <p className="note">
                      Before:{' '}
                      {p.recent
                        .map((a) => `${when(a.startsAt)} ${a.type.name} (${a.status.replace('_', '-')})`)
                        .join('; ')}
                    </p>
                  )}
                  <button onClick={() => setDoing({ kind: 'book', patient: p })}>Book for {p.name}</button>
                </div>
              ))}
              {doing?.kind === 'book' && (
                <BookForm
                  key={doing.patient.id}
                  base={base}
                  timeZone={clinic.timeZone}
                  locale={clinic.locale}
                  practitioners={practitioners}
                  types={types}
                  start={{ date: wallClock(Date.now(), clinic.timeZone).date }}
                  patient={{ ...doing.patient, createdAt: '', updatedAt: '' }}
                  nameOf={nameOf}
                  onBooked={done}
                  onClose={() => setDoing(null)}
                />
              )}
              {opened && (
                <AppointmentPanel
                  key={opened.id + opened.startsAt + opened.status}
                  base={base}
                  timeZone={clinic.timeZone}
                  locale={clinic.locale}
                  now={Date.now()}
                  appointment={opened}
                  practitioners={practitioners}
                  types={types}
                  nameOf={nameOf}
                  onChanged={done}
                  onClose={() => setDoing(null)}
                />
              )}
              {c.callBacks.length > 0 && (
                <p>
                  <strong>Waiting for a call back</strong> since {when(c.callBacks[0]!.createdAt)}
                  {c.callBacks[0]!.ringNumber && ` (on ${c.callBacks[0]!.ringNumber})`}.
                </p>
              )}
              {c.recentCalls.length > 0 && (
                <>
                  <h3>Recent calls from this number</h3>
                  <ul>
                    {c.recentCalls.map((r) => (
                      <li key={r.id}>
                        {when(r.startedAt)} — {r.outcome?.replace(/_/g, ' ') ?? 'in progress'}
                        {r.note && ` — “${r.note}”`}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <CallNoteForm base={base} callId={c.call.id} saved={c.call.note ?? ''} />
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function CallNoteForm({ base, callId, saved }: { base: string; callId: string; saved: string }) {
  const [note, setNote] = useState(saved);
  const { busy, error, done, run } = useSubmit();
  return (
    <form
      className="call-note"
      aria-label="Call note"
      onSubmit={(e) => {
        e.preventDefault();
        void run(() => api<CallNote>('PUT', `${base}/calls/${callId}/note`, { note }), 'Note saved.');
      }}
    >
      <label>
        Note on this call
        <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        Save note
      </button>{' '}
      {done && <span role="status">{done}</span>}
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
