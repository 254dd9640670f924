// A patient's details as the desk writes them: name, every number (the first is where
// texts go), date of birth, notes, and who books for them. New or edited; the server's
// message names the field when something is wrong.
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { useSubmit } from '../components/useSubmit';
import { PatientFinder } from './PatientFinder';
import type { Named, PatientSummary } from '../../../src/contracts/api';
import { DateField } from '../components/DateField';

export interface PatientDraft {
  name: string;
  phones: string[];
  dateOfBirth: string;
  notes: string;
  guardian: Named | null;
  guardianRelation: string;
}

export const draftOf = (p?: Partial<PatientSummary>): PatientDraft => ({
  name: p?.name ?? '',
  phones: p?.phones?.length ? p.phones : [''],
  dateOfBirth: p?.dateOfBirth ?? '',
  notes: p?.notes ?? '',
  guardian: p?.guardian ?? null,
  guardianRelation: p?.guardianRelation ?? '',
});

/** What was searched for, as a new patient's first details: a number when it looks like one, else the name. */
export const startFrom = (query: string): Partial<PatientSummary> =>
  /\d{5,}/.test(query.replace(/\D/g, '')) ? { phones: [query] } : { name: query };

export function PatientForm(props: {
  base: string;
  /** Editing this patient; a new one when absent. */
  patient?: PatientSummary;
  /** A new patient's first details (a number that rang, a name searched for). */
  start?: Partial<PatientSummary>;
  onSaved: (p: PatientSummary) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<PatientDraft>(() => draftOf(props.patient ?? props.start));
  const [choosingGuardian, setChoosingGuardian] = useState(false);
  const { busy, error, run } = useSubmit();
  const set = (change: Partial<PatientDraft>) => setDraft((d) => ({ ...d, ...change }));
  const editing = props.patient !== undefined;

  function save(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const body = {
        name: draft.name,
        phones: draft.phones.map((p) => p.trim()).filter(Boolean),
        dateOfBirth: draft.dateOfBirth || null,
        notes: draft.notes.trim() || null,
        guardianId: draft.guardian?.id ?? null,
        guardianRelation: draft.guardian ? draft.guardianRelation.trim() || null : null,
      };
      const saved = editing
        ? await api<PatientSummary>('PATCH', `${props.base}/patients/${props.patient!.id}`, body)
        : await api<PatientSummary>('POST', `${props.base}/patients`, body);
      props.onSaved(saved);
    });
  }

  return (
    <form
      className="panel patient-form"
      aria-label={editing ? `Edit ${props.patient!.name}` : 'New patient'}
      onSubmit={save}
    >
      <h2>{editing ? `Edit ${props.patient!.name}` : 'New patient'}</h2>
      <label>
        Name
        <input value={draft.name} autoFocus={!editing} onChange={(e) => set({ name: e.target.value })} required />
      </label>
      <fieldset>
        <legend>Phone numbers (texts go to the first)</legend>
        {draft.phones.map((phone, i) => (
          <div className="row" key={i}>
            <label>
              {i === 0 ? 'Main number' : `Number ${i + 1}`}
              <input
                type="tel"
                value={phone}
                onChange={(e) => set({ phones: draft.phones.map((p, j) => (j === i ? e.target.value : p)) })}
              />
            </label>
            {draft.phones.length > 1 && (
              <button
                type="button"
                className="link"
                onClick={() => set({ phones: draft.phones.filter((_, j) => j !== i) })}
              >
                Remove {i === 0 ? 'main number' : `number ${i + 1}`}
              </button>
            )}
          </div>
        ))}
        {draft.phones.length < 5 && (
          <button type="button" className="link" onClick={() => set({ phones: [...draft.phones, ''] })}>
            Add another number
          </button>
        )}
      </fieldset>
      <DateField label="Date of birth" value={draft.dateOfBirth} onChange={(dateOfBirth) => set({ dateOfBirth })} />
      <label>
        Notes
        <textarea rows={3} maxLength={2000} value={draft.notes} onChange={(e) => set({ notes: e.target.value })} />
      </label>
      <fieldset>
        <legend>Who books for them</legend>
        {draft.guardian ? (
          <div className="row">
            <span>
              <strong>{draft.guardian.name}</strong>
            </span>
            <label>
              What they are to the patient
              <input
                value={draft.guardianRelation}
                placeholder="mother, carer…"
                onChange={(e) => set({ guardianRelation: e.target.value })}
              />
            </label>
            <button type="button" className="link" onClick={() => set({ guardian: null, guardianRelation: '' })}>
              Remove {draft.guardian.name}
            </button>
          </div>
        ) : choosingGuardian ? (
          <PatientFinder
            base={props.base}
            onFound={(p) => {
              set({ guardian: { id: p.id, name: p.name } });
              setChoosingGuardian(false);
            }}
          />
        ) : (
          <button type="button" className="link" onClick={() => setChoosingGuardian(true)}>
            Choose a parent or carer
          </button>
        )}
      </fieldset>
      {error && <p role="alert">{error}</p>}
      <div className="row">
        <button type="submit" disabled={busy}>
          {editing ? 'Save changes' : 'Add patient'}
        </button>
        <button type="button" className="link" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
