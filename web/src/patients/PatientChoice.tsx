// Choosing the patient a task is for: the one chosen (with "Change patient"), else the
// finder — and, when nobody matches, registering them on the spot.
import { useState } from 'react';
import type { PatientSummary } from '../../../src/contracts/api';
import { PatientFinder } from './PatientFinder';
import { PatientForm, startFrom } from './PatientForm';

export function PatientChoice(props: {
  base: string;
  patient: PatientSummary | null;
  onChange: (p: PatientSummary | null) => void;
}) {
  /** Registering someone nobody matched: what was searched for. */
  const [creating, setCreating] = useState<string | null>(null);
  if (props.patient)
    return (
      <p>
        For <strong>{props.patient.name}</strong>{' '}
        <button type="button" className="link" onClick={() => props.onChange(null)}>
          Change patient
        </button>
      </p>
    );
  if (creating !== null)
    return (
      <PatientForm
        base={props.base}
        start={startFrom(creating)}
        onSaved={(p) => {
          setCreating(null);
          props.onChange(p);
        }}
        onCancel={() => setCreating(null)}
      />
    );
  return <PatientFinder base={props.base} onFound={props.onChange} onNobody={setCreating} />;
}
