// A patient's record: details and notes, who books for them and whom they book for,
// appointments (with missed ones counted), the latest calls and texts on their numbers,
// waiting-list entries and open call-backs.
import type { ReactNode } from 'react';
import { timeIn } from '../live/format';
import type { ClinicSummary, PatientRecord } from '../../../src/contracts/api';
import { birthDate, calendarDate } from '../format/dates';

/** What became of a call, in the desk's words; a call still going says so. */
const callText = (c: PatientRecord['calls'][number]) =>
  c.outcome?.replace(/_/g, ' ') ??
  (c.endedAt || ['completed', 'failed', 'busy', 'no-answer', 'canceled'].includes(c.status) ? 'ended' : 'in progress');

export function PatientRecordView(props: {
  record: PatientRecord;
  clinic: ClinicSummary;
  onEdit: () => void;
  onOpen: (patientId: string) => void;
  children?: ReactNode;
}) {
  const { record: p, clinic } = props;
  const when = (iso: string) => timeIn(iso, clinic.timeZone, clinic.locale);
  return (
    <div className="panel" role="region" aria-label={p.name}>
      <div className="row">
        <h2>{p.name}</h2>
        <button className="secondary" onClick={props.onEdit}>
          Edit details
        </button>
      </div>
      <dl className="facts">
        <dt>Numbers</dt>
        <dd>{p.phones.length ? p.phones.join(', ') : 'No phone number'}</dd>
        <dt>Born</dt>
        <dd>{p.dateOfBirth ? birthDate(p.dateOfBirth, clinic.locale) : 'Not known'}</dd>
        {p.guardian && (
          <>
            <dt>Booked for by</dt>
            <dd>
              <button className="link" onClick={() => props.onOpen(p.guardian!.id)}>
                {p.guardian.name}
              </button>
              {p.guardianRelation && ` (${p.guardianRelation})`}
            </dd>
          </>
        )}
        {p.booksFor.length > 0 && (
          <>
            <dt>Books for</dt>
            <dd>
              {p.booksFor.map((w, i) => (
                <span key={w.id}>
                  {i > 0 && ', '}
                  <button className="link" onClick={() => props.onOpen(w.id)}>
                    {w.name}
                  </button>
                </span>
              ))}
            </dd>
          </>
        )}
        <dt>Missed appointments</dt>
        <dd>{p.noShows}</dd>
      </dl>
      {p.notes && (
        <p className="note" aria-label="Notes">
          {p.notes}
        </p>
      )}
      <h3>Appointments</h3>
      {p.appointments.length === 0 ? (
        <p className="empty">No appointments.</p>
      ) : (
        <ul>
          {p.appointments.map((a) => (
            <li key={a.id}>
              {when(a.startsAt)} — {a.type.name} with {a.practitioner.name} — {a.status.replace('_', '-')}
            </li>
          ))}
        </ul>
      )}
      <h3>Calls</h3>
      {p.calls.length === 0 ? (
        <p className="empty">No calls on their numbers.</p>
      ) : (
        <ul>
          {p.calls.map((c) => (
            <li key={c.id}>
              {when(c.startedAt)} — {c.direction === 'inbound' ? '' : 'we rang them — '}
              {callText(c)}
            </li>
          ))}
        </ul>
      )}
      {p.callBacks.length > 0 && (
        <>
          <h3>Waiting for a call back</h3>
          <ul>
            {p.callBacks.map((b) => (
              <li key={b.id}>
                Since {when(b.createdAt)} — {b.reason.replace(/_/g, ' ')} — ring {b.ringNumber ?? b.fromNumber}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Texts</h3>
      {p.texts.length === 0 ? (
        <p className="empty">No texts sent.</p>
      ) : (
        <ul>
          {p.texts.map((t) => (
            <li key={t.id}>
              {when(t.createdAt)} — {t.kind.replace(/_/g, ' ')} to {t.toNumber} — {t.status}
            </li>
          ))}
        </ul>
      )}
      <h3>Waiting list</h3>
      {p.waitlist.length === 0 ? (
        <p className="empty">Not on the waiting list.</p>
      ) : (
        <ul>
          {p.waitlist.map((w) => (
            <li key={w.id}>
              {w.type.name}
              {w.practitioner ? ` with ${w.practitioner.name}` : ''}, {calendarDate(w.fromDate, clinic.locale)} to{' '}
              {calendarDate(w.toDate, clinic.locale)}
              {w.resolvedAt ? ' — done' : ''}
            </li>
          ))}
        </ul>
      )}
      {props.children}
    </div>
  );
}
