import type { Named } from '../../../src/contracts/api';

/** A labelled choice of practitioner, with a first option for none in particular ("Anyone", "Whole clinic"). */
export function PractitionerSelect(props: {
  label: string;
  value: string;
  onChange: (practitionerId: string) => void;
  practitioners: Named[];
  noneText: string;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.noneText}</option>
        {props.practitioners.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
