import { type FormEvent, lazy, Suspense, useState } from 'react';
import { api, ApiError, type Load } from '../api';
import { maskNumber, timeIn } from '../live/format';
import type {
  CallLogPage,
  CallLogRow,
  ClinicSummary,
  PatientRecord,
  PatientSearch,
  PatientSummary,
} from '../../../src/contracts/api';

// Owners only, so in the owners' chunk.
const PatientRights = lazy(() => import('./owner/PatientRights'));

type Search<T> = { state: 'idle' } | Load<T>;

/** Find a patient by name or number; their appointments and their calls. */
export function Patients({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Search<PatientSummary[]>>({ state: 'idle' });
  const [detail, setDetail] = useState<Search<{ patient: PatientRecord; calls: CallLogRow[] }>>({ state: 'idle' });

  async function search(e: FormEvent) {
    e.preventDefault();
    setResults({ state: 'loading' });
    try {
      setResults({
        state: 'ready',
        value: (await api<PatientSearch>('GET', `${base}/patients?${new URLSearchParams({ q: query })}`)).patients,
      });
    } catch (err) {
      setResults({ state: 'error', message: (err as ApiError).message });
    }
  }

  async function open(p: PatientSummary) {
    setDetail({ state: 'loading' });
    try {
      const patient = await api<PatientRecord>('GET', `${base}/patients/${p.id}`);
      const calls = p.phone
        ? (await api<CallLogPage>('GET', `${base}/calls?${new URLSearchParams({ caller: p.phone, limit: '20' })}`))
            .calls
        : [];
      setDetail({ state: 'ready', value: { patient, calls } });
    } catch (err) {
      setDetail({ state: 'error', message: (err as ApiError).message });
    }
  }

  return (
    <section aria-label="Patients">
      <form className="row" onSubmit={search}>
        <label>
          Name or number
          <input value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      {results.state === 'loading' && <p role="status">Searching…</p>}
      {results.state === 'error' && <p role="alert">{results.message}</p>}
      {results.state === 'ready' &&
        (results.value.length === 0 ? (
          <p className="empty">No patient matches “{query}”.</p>
        ) : (
          <ul aria-label="Search results">
            {results.value.map((p) => (
              <li key={p.id}>
                <button className="link" onClick={() => open(p)}>
                  {p.name}
                </button>{' '}
                {p.phone ? maskNumber(p.phone) : ''}
              </li>
            ))}
          </ul>
        ))}
      {detail.state === 'loading' && <p role="status">Loading the patient…</p>}
      {detail.state === 'error' && <p role="alert">{detail.message}</p>}
      {detail.state === 'ready' && (
        <div className="panel" role="region" aria-label={detail.value.patient.name}>
          <h2>{detail.value.patient.name}</h2>
          <p>
            {detail.value.patient.phone ?? 'No phone number'}
            {detail.value.patient.dateOfBirth ? ` · born ${detail.value.patient.dateOfBirth}` : ''}
          </p>
          <h3>Appointments</h3>
          {detail.value.patient.appointments.length === 0 ? (
            <p className="empty">No appointments.</p>
          ) : (
            <ul>
              {detail.value.patient.appointments.map((a) => (
                <li key={a.id}>
                  {timeIn(a.startsAt, clinic.timeZone, clinic.locale)} — {a.type.name} with {a.practitioner.name} —{' '}
                  {a.status.replace('_', '-')}
                </li>
              ))}
            </ul>
          )}
          <h3>Calls</h3>
          {detail.value.calls.length === 0 ? (
            <p className="empty">No calls from this number.</p>
          ) : (
            <ul>
              {detail.value.calls.map((c) => (
                <li key={c.id}>
                  {timeIn(c.startedAt, clinic.timeZone, clinic.locale)} — {c.outcome ?? 'in progress'}
                  {c.durationSeconds ? ` (${Math.round(c.durationSeconds / 60)} min)` : ''}
                </li>
              ))}
            </ul>
          )}
          {clinic.role === 'owner' && (
            <Suspense fallback={null}>
              <PatientRights
                clinicId={clinic.id}
                patientId={detail.value.patient.id}
                onErased={() => {
                  setDetail({ state: 'idle' });
                  setResults({ state: 'idle' });
                }}
              />
            </Suspense>
          )}
        </div>
      )}
    </section>
  );
}
