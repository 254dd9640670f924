import { type FormEvent, lazy, Suspense, useState } from 'react';
import { api, ApiError, type Load } from '../api';
import type { ClinicSummary, PatientRecord, PatientSearch, PatientSummary } from '../../../src/contracts/api';
import { PatientForm, startFrom } from '../patients/PatientForm';
import { PatientRecordView } from '../patients/PatientRecordView';
import { birthDate } from '../format/dates';

// Owners only, so in the owners' chunk.
const PatientRights = lazy(() => import('./owner/PatientRights'));

type Search<T> = { state: 'idle' } | Load<T>;
type Editing = { kind: 'new'; start: Partial<PatientSummary> } | { kind: 'edit'; patient: PatientRecord } | null;

/** Find a patient by name (accents and case ignored), number or date of birth; add or edit one; their record. */
export function Patients({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Search<PatientSummary[]>>({ state: 'idle' });
  const [detail, setDetail] = useState<Search<PatientRecord>>({ state: 'idle' });
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState('');

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

  async function open(id: string) {
    setDetail({ state: 'loading' });
    try {
      setDetail({ state: 'ready', value: await api<PatientRecord>('GET', `${base}/patients/${id}`) });
    } catch (err) {
      setDetail({ state: 'error', message: (err as ApiError).message });
    }
  }

  return (
    <section aria-label="Patients">
      <div className="row">
        <form className="row" onSubmit={search}>
          <label>
            Name, number or date of birth
            <input value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <button type="submit">Search</button>
        </form>
        <button className="secondary" onClick={() => setEditing({ kind: 'new', start: startFrom(query) })}>
          New patient
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      {results.state === 'loading' && <p role="status">Searching…</p>}
      {results.state === 'error' && <p role="alert">{results.message}</p>}
      {results.state === 'ready' &&
        (results.value.length === 0 ? (
          <p className="empty">
            No patient matches “{query}”.{' '}
            <button className="link" onClick={() => setEditing({ kind: 'new', start: startFrom(query) })}>
              Add them as a new patient
            </button>
          </p>
        ) : (
          <ul aria-label="Search results">
            {results.value.map((p) => (
              <li key={p.id}>
                <button className="link" onClick={() => open(p.id)}>
                  {p.name}
                </button>{' '}
                {p.dateOfBirth && `born ${birthDate(p.dateOfBirth, clinic.locale)} · `}
                {p.phones.join(', ')}
              </li>
            ))}
          </ul>
        ))}
      {editing && (
        <PatientForm
          key={editing.kind === 'edit' ? editing.patient.id : 'new'}
          base={base}
          patient={editing.kind === 'edit' ? editing.patient : undefined}
          start={editing.kind === 'new' ? editing.start : undefined}
          onSaved={(p) => {
            setNotice(editing.kind === 'edit' ? `Saved ${p.name}.` : `Added ${p.name}.`);
            setEditing(null);
            void open(p.id);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {detail.state === 'loading' && <p role="status">Loading the patient…</p>}
      {detail.state === 'error' && <p role="alert">{detail.message}</p>}
      {detail.state === 'ready' && !editing && (
        <PatientRecordView
          record={detail.value}
          clinic={clinic}
          onEdit={() => setEditing({ kind: 'edit', patient: detail.value })}
          onOpen={(id) => void open(id)}
        >
          {clinic.role === 'owner' && (
            <Suspense fallback={null}>
              <PatientRights
                clinicId={clinic.id}
                patientId={detail.value.id}
                onErased={() => {
                  setDetail({ state: 'idle' });
                  setResults({ state: 'idle' });
                  setNotice('The patient was erased.');
                }}
              />
            </Suspense>
          )}
        </PatientRecordView>
      )}
    </section>
  );
}
