// Booking from the calendar: opened on a free gap (that practitioner, that day, within
// the gap) or from "Book an appointment" (the selected day); the patient found by name
// or number, the type defaulting to the first the practitioner offers, and the free
// times for exactly what is chosen.
import { useState } from 'react';
import { api } from '../api';
import type { AppointmentTypeView, PatientSummary, PractitionerView } from '../../../src/contracts/api';
import { PatientChoice } from '../patients/PatientChoice';
import { SlotPicker } from './SlotPicker';
import { type When, WhenFields } from './WhenFields';
import { useFocusOnOpen } from '../components/useFocusOnOpen';

export interface BookingStart {
  date: string;
  practitionerId?: string;
  /** Booking into a gap: only times starting within it. */
  after?: string;
  before?: string;
  /** "Free 12:30 to 17:00": what the gap was, for the heading. */
  gapText?: string;
}

export function BookForm(props: {
  base: string;
  timeZone: string;
  locale: string;
  practitioners: PractitionerView[];
  types: AppointmentTypeView[];
  start: BookingStart;
  /** Someone already chosen (the caller on the line, say). */
  patient?: PatientSummary;
  nameOf: (practitionerId: string) => string;
  onBooked: (text: string) => void;
  onClose: () => void;
}) {
  const focusHere = useFocusOnOpen<HTMLDivElement>();
  const { start } = props;
  const [patient, setPatient] = useState<PatientSummary | null>(props.patient ?? null);
  const [when, setWhen] = useState<When>({
    practitionerId: start.practitionerId ?? '',
    date: start.date,
    partOfDay: '',
  });
  const { practitionerId, date, partOfDay } = when;
  const offered = props.types.filter(
    (t) => t.active && (!practitionerId || t.practitionerIds.includes(practitionerId)),
  );
  const [typeId, setTypeId] = useState(offered[0]?.id ?? '');
  const type = offered.find((t) => t.id === typeId) ?? offered[0];
  const inGap = start.after !== undefined && date === start.date && practitionerId === (start.practitionerId ?? '');

  return (
    <div className="panel" role="region" aria-label="Book an appointment" tabIndex={-1} ref={focusHere}>
      <h2>Book an appointment</h2>
      {start.gapText && inGap && <p>{start.gapText}</p>}
      <PatientChoice base={props.base} patient={patient} onChange={setPatient} />
      <div className="row">
        <label>
          Appointment type
          <select value={type?.id ?? ''} onChange={(e) => setTypeId(e.target.value)}>
            {offered.length === 0 && <option value="">None offered</option>}
            {offered.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.durationMinutes} min)
              </option>
            ))}
          </select>
        </label>
        <WhenFields
          value={when}
          onChange={setWhen}
          practitioners={props.practitioners.filter((p) => p.active)}
          labels={{ practitioner: 'Practitioner', date: 'Day', anyTime: inGap ? 'In this gap' : 'Any time' }}
        />
      </div>
      {patient && type ? (
        <SlotPicker
          title="Free times"
          base={props.base}
          timeZone={props.timeZone}
          locale={props.locale}
          nameOf={props.nameOf}
          query={{
            typeId: type.id,
            practitionerId: practitionerId || undefined,
            from: date,
            to: date,
            partOfDay: partOfDay || undefined,
            after: inGap && !partOfDay ? start.after : undefined,
            before: inGap && !partOfDay ? start.before : undefined,
          }}
          onPick={async (slot) => {
            await api('POST', `${props.base}/appointments`, {
              patientId: patient.id,
              practitionerId: slot.practitionerId,
              typeId: type.id,
              startsAt: slot.startsAt,
            });
            const when = new Date(slot.startsAt).toLocaleString(props.locale, {
              timeZone: props.timeZone,
              weekday: 'short',
              day: 'numeric',
              month: 'short',
              hour: '2-digit',
              minute: '2-digit',
            });
            props.onBooked(`Booked ${patient.name} for ${when} with ${props.nameOf(slot.practitionerId)}.`);
          }}
        />
      ) : (
        !patient && <p className="hint">Find the patient to see the free times.</p>
      )}
      <button className="link" onClick={props.onClose}>
        Close
      </button>
    </div>
  );
}
