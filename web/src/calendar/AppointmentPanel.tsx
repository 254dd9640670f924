// One appointment opened from the calendar: what it is, and what the desk can do with
// it — move it by a form (the keyboard's way; dragging is the mouse's), cancel it, or
// say whether the patient came once it has started.
import { useState } from 'react';
import { api } from '../api';
import { useSubmit } from '../components/useSubmit';
import type { AppointmentTypeView, DiaryAppointment, PractitionerView } from '../../../src/contracts/api';
import { clockText, wallClock } from './grid';
import { SlotPicker } from './SlotPicker';
import { dayText } from './words';
import { type When, WhenFields } from './WhenFields';
import { useFocusOnOpen } from '../components/useFocusOnOpen';

const STATUS: Record<string, string> = {
  booked: 'Booked',
  attended: 'Attended',
  no_show: 'Did not attend',
  cancelled: 'Cancelled',
};

export function AppointmentPanel(props: {
  base: string;
  timeZone: string;
  locale: string;
  now: number;
  appointment: DiaryAppointment;
  practitioners: PractitionerView[];
  types: AppointmentTypeView[];
  nameOf: (practitionerId: string) => string;
  onChanged: (text: string) => void;
  onClose: () => void;
}) {
  const focusHere = useFocusOnOpen<HTMLDivElement>();
  const a = props.appointment;
  const start = wallClock(a.startsAt, props.timeZone);
  const end = wallClock(a.endsAt, props.timeZone);
  const [moving, setMoving] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const { busy, error, run } = useSubmit();
  const started = new Date(a.startsAt).getTime() <= props.now;
  const title = `${a.patient.name}'s ${a.type.name}`;

  const attendance = (status: 'attended' | 'no_show') =>
    run(async () => {
      await api('POST', `${props.base}/appointments/${a.id}/attendance`, { status });
      props.onChanged(`${a.patient.name}: ${STATUS[status]!.toLowerCase()}.`);
    });

  return (
    <div className="panel" role="region" aria-label={title} tabIndex={-1} ref={focusHere}>
      <h2>{title}</h2>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {dayText(start.date, props.locale)}, {clockText(start.minute)}–{clockText(end.minute)}
        </dd>
        <dt>With</dt>
        <dd>{a.practitioner.name}</dd>
        <dt>Status</dt>
        <dd>{STATUS[a.status] ?? a.status}</dd>
      </dl>
      {error && <p role="alert">{error}</p>}
      {a.status !== 'cancelled' && started && (
        <div className="row" role="group" aria-label="Attendance">
          <button disabled={busy || a.status === 'attended'} onClick={() => attendance('attended')}>
            Attended
          </button>
          <button disabled={busy || a.status === 'no_show'} onClick={() => attendance('no_show')}>
            Did not attend
          </button>
        </div>
      )}
      {a.status === 'booked' && !moving && !confirmCancel && (
        <div className="row">
          <button onClick={() => setMoving(true)}>Move…</button>
          <button className="secondary" onClick={() => setConfirmCancel(true)}>
            Cancel appointment…
          </button>
        </div>
      )}
      {confirmCancel && (
        <div className="row" role="group" aria-label="Cancel this appointment?">
          <span>Cancel this appointment?</span>
          <button
            className="danger"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await api('POST', `${props.base}/appointments/${a.id}/cancel`, {});
                props.onChanged(`Cancelled ${title}.`);
              })
            }
          >
            Yes, cancel it
          </button>
          <button className="link" onClick={() => setConfirmCancel(false)}>
            Keep it
          </button>
        </div>
      )}
      {moving && <MoveForm {...props} date={start.date} onCancel={() => setMoving(false)} />}
      <button className="link" onClick={props.onClose}>
        Close
      </button>
    </div>
  );
}

function MoveForm(props: Parameters<typeof AppointmentPanel>[0] & { date: string; onCancel: () => void }) {
  const moveHere = useFocusOnOpen<HTMLFormElement>();
  const a = props.appointment;
  const [when, setWhen] = useState<When>({ practitionerId: a.practitionerId, date: props.date, partOfDay: '' });
  const { practitionerId, date, partOfDay } = when;
  const offering = props.practitioners.filter(
    (p) => p.active && props.types.find((t) => t.id === a.typeId)?.practitionerIds.includes(p.id),
  );
  return (
    <form className="move-form" aria-label="Move to" onSubmit={(e) => e.preventDefault()} tabIndex={-1} ref={moveHere}>
      <div className="row">
        <WhenFields
          value={when}
          onChange={setWhen}
          practitioners={offering}
          labels={{ practitioner: 'With', date: 'New day', anyTime: 'Any time' }}
        />
      </div>
      <SlotPicker
        title="Move to a free time"
        base={props.base}
        timeZone={props.timeZone}
        locale={props.locale}
        nameOf={props.nameOf}
        query={{ typeId: a.typeId, practitionerId: practitionerId || undefined, from: date, to: date, partOfDay }}
        onPick={async (slot) => {
          await api('POST', `${props.base}/appointments/${a.id}/move`, {
            startsAt: slot.startsAt,
            practitionerId: slot.practitionerId,
          });
          const to = wallClock(slot.startsAt, props.timeZone);
          props.onChanged(
            `Moved ${a.patient.name} to ${dayText(to.date, props.locale)} ${clockText(to.minute)} with ${props.nameOf(slot.practitionerId)}.`,
          );
        }}
      />
      <button type="button" className="link" onClick={props.onCancel}>
        Don't move
      </button>
    </form>
  );
}
