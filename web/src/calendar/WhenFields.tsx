// Who and when a free time is sought for — practitioner, day, part of the day — as the
// Book and Move forms both ask it.
import type { Named } from '../../../src/contracts/api';
import { PractitionerSelect } from '../components/PractitionerSelect';
import { PARTS_OF_DAY_SHOWN } from './words';
import { DateField } from '../components/DateField';

export interface When {
  practitionerId: string;
  date: string;
  partOfDay: string;
}

export function WhenFields(props: {
  value: When;
  onChange: (when: When) => void;
  practitioners: Named[];
  labels: { practitioner: string; date: string; anyTime: string };
}) {
  const { value, onChange, labels } = props;
  return (
    <>
      <PractitionerSelect
        label={labels.practitioner}
        value={value.practitionerId}
        onChange={(practitionerId) => onChange({ ...value, practitionerId })}
        practitioners={props.practitioners}
        noneText="Anyone"
      />
      <DateField label={labels.date} value={value.date} onChange={(date) => date && onChange({ ...value, date })} />
      <label>
        Part of the day
        <select value={value.partOfDay} onChange={(e) => onChange({ ...value, partOfDay: e.target.value })}>
          <option value="">{labels.anyTime}</option>
          {PARTS_OF_DAY_SHOWN.map(([part, text]) => (
            <option key={part} value={part}>
              {text}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
