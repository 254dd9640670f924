// Finding a patient where a task needs one (booking, choosing who books for someone).
import { useState } from 'react';
import { api, ApiError } from '../api';
import type { PatientSearch, PatientSummary } from '../../../src/contracts/api';
import { birthDate } from '../format/dates';
import { useClinicTime } from '../format/clinic-time';

/**
 * Name or number; Enter searches, and a single match is chosen at once. Not a form of
 * its own, so it can sit inside one (the patient form's "who books for them").
 */
export function PatientFinder({
  base,
  onFound,
  onNobody,
}: {
  base: string;
  onFound: (p: PatientSummary) => void;
  /** Offered when nobody matches: register them ("New patient"). */
  onNobody?: (query: string) => void;
}) {
  const { locale } = useClinicTime();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<PatientSummary[] | null>(null);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);

  async function search() {
    setProblem('');
    setBusy(true);
    try {
      const { patients } = await api<PatientSearch>('GET', `${base}/patients?${new URLSearchParams({ q: query })}`);
      if (patients.length === 1) onFound(patients[0]!);
      else setFound(patients);
    } catch (err) {
      setProblem((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <div className="row">
        <label>
          Patient name or number
          <input
            value={query}
            autoFocus
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              void search();
            }}
          />
        </label>
        <button type="button" disabled={busy} onClick={() => void search()}>
          Find patient
        </button>
      </div>
      {problem && <p role="alert">{problem}</p>}
      {found?.length === 0 && (
        <p className="empty">
          Nobody registered matches “{query}”.{' '}
          {onNobody && (
            <button type="button" className="link" onClick={() => onNobody(query)}>
              New patient
            </button>
          )}
        </p>
      )}
      {found && found.length > 0 && (
        <ul aria-label="Patients found">
          {found.map((p) => (
            <li key={p.id}>
              <button type="button" className="link" onClick={() => onFound(p)}>
                {p.name}
              </button>{' '}
              {p.dateOfBirth && `born ${birthDate(p.dateOfBirth, locale)}`} {p.phone}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
