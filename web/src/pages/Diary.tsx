import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../api';
import { useLiveEvents } from '../live/context';
import { timeIn } from '../live/format';
import { Loaded } from '../components/Loaded';
import type {
  AppointmentTypeList,
  ClinicSummary,
  DiaryAppointment,
  DiaryDay,
  FreeSlot,
  FreeSlots,
  Named,
  PatientSearch,
  PatientSummary,
  PractitionerList,
} from '../../../src/contracts/api';

const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

/** Day and week views per practitioner; book, move and cancel from a slot picker; changes made elsewhere appear live. */
export function Diary({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [date, setDate] = useState(() => todayIn(clinic.timeZone));
  const [view, setView] = useState<'day' | 'week'>('day');
  const [practitionerId, setPractitionerId] = useState('');
  const [practitioners, setPractitioners] = useState<Named[]>([]);
  const [types, setTypes] = useState<Named[]>([]);
  const [diary, setDiary] = useState<Load<DiaryAppointment[]>>({ state: 'loading' });
  const [notice, setNotice] = useState('');
  const [moving, setMoving] = useState<DiaryAppointment | null>(null);

  const load = useCallback(() => {
    const q = new URLSearchParams({ date, view, ...(practitionerId ? { practitionerId } : {}) });
    loadInto(api<DiaryDay>('GET', `${base}/diary?${q}`), setDiary, (r) => r.appointments);
  }, [base, date, view, practitionerId]);
  useEffect(load, [load]);
  useEffect(() => {
    api<PractitionerList>('GET', `${base}/practitioners`).then(
      (r) => setPractitioners(r.practitioners),
      () => undefined,
    );
    api<AppointmentTypeList>('GET', `${base}/appointment-types`).then(
      (r) => setTypes(r.appointmentTypes),
      () => undefined,
    );
  }, [base]);
  useLiveEvents((e) => {
    if (e.name.startsWith('appointment.')) load();
    if (e.name === 'waitlist.match') {
      setNotice(
        `A freed time fits ${e.data.patientName} on the waiting list: ${timeIn(e.data.slot.startsAt, clinic.timeZone, clinic.locale)}.`,
      );
    }
  }, load);

  async function cancel(a: DiaryAppointment) {
    if (
      !window.confirm(
        `Cancel ${a.patient.name}'s ${a.type.name} on ${timeIn(a.startsAt, clinic.timeZone, clinic.locale)}?`,
      )
    )
      return;
    try {
      await api('POST', `${base}/appointments/${a.id}/cancel`, {});
      setNotice(`Cancelled ${a.patient.name}'s appointment.`);
      load();
    } catch (err) {
      setNotice((err as ApiError).message);
    }
  }

  const nameOf = (id: string) => practitioners.find((p) => p.id === id)?.name ?? '';
  return (
    <section aria-label="Diary">
      <div className="row">
        <label>
          Date
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label>
          View
          <select value={view} onChange={(e) => setView(e.target.value as 'day' | 'week')}>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </label>
        <label>
          Practitioner
          <select value={practitionerId} onChange={(e) => setPractitionerId(e.target.value)}>
            <option value="">Everyone</option>
            {practitioners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {notice && <p role="status">{notice}</p>}
      <Loaded load={diary} loading="Loading the diary…" retry={load}>
        {(value) =>
          value.length === 0 ? (
            <p className="empty">No appointments {view === 'day' ? 'this day' : 'this week'}.</p>
          ) : (
            <table aria-label="Appointments">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Practitioner</th>
                  <th>Patient</th>
                  <th>Type</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {value.map((a) => (
                  <tr key={a.id}>
                    <td>{timeIn(a.startsAt, clinic.timeZone, clinic.locale)}</td>
                    <td>{a.practitioner.name}</td>
                    <td>{a.patient.name}</td>
                    <td>{a.type.name}</td>
                    <td>
                      {a.status === 'booked' && (
                        <>
                          <button className="link" onClick={() => setMoving(a)}>
                            Move
                          </button>{' '}
                          <button className="link" onClick={() => cancel(a)}>
                            Cancel
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {moving ? (
        <SlotPicker
          key={moving.id}
          title={`Move ${moving.patient.name}'s ${moving.type.name}`}
          base={base}
          clinic={clinic}
          typeId={moving.typeId}
          nameOf={nameOf}
          onPick={async (slot) => {
            await api('POST', `${base}/appointments/${moving.id}/move`, {
              startsAt: slot.startsAt,
              practitionerId: slot.practitionerId,
            });
            setNotice(`Moved ${moving.patient.name} to ${timeIn(slot.startsAt, clinic.timeZone, clinic.locale)}.`);
            setMoving(null);
            load();
          }}
          onClose={() => setMoving(null)}
        />
      ) : (
        <BookPanel
          base={base}
          clinic={clinic}
          types={types}
          nameOf={nameOf}
          onBooked={(text) => {
            setNotice(text);
            load();
          }}
        />
      )}
    </section>
  );
}

function BookPanel({
  base,
  clinic,
  types,
  nameOf,
  onBooked,
}: {
  base: string;
  clinic: ClinicSummary;
  types: Named[];
  nameOf: (id: string) => string;
  onBooked: (text: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<PatientSummary[]>([]);
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [typeId, setTypeId] = useState('');
  const [problem, setProblem] = useState('');

  async function search(e: FormEvent) {
    e.preventDefault();
    setProblem('');
    try {
      setFound((await api<PatientSearch>('GET', `${base}/patients?${new URLSearchParams({ q: query })}`)).patients);
    } catch (err) {
      setProblem((err as ApiError).message);
    }
  }

  return (
    <div className="panel" aria-label="Book an appointment" role="region">
      <h2>Book an appointment</h2>
      {!patient ? (
        <form className="row" onSubmit={search}>
          <label>
            Patient name or number
            <input value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <button type="submit">Find patient</button>
        </form>
      ) : (
        <p>
          For <strong>{patient.name}</strong>{' '}
          <button className="link" onClick={() => setPatient(null)}>
            change
          </button>
        </p>
      )}
      {!patient && found.length > 0 && (
        <ul aria-label="Patients found">
          {found.map((p) => (
            <li key={p.id}>
              <button className="link" onClick={() => setPatient(p)}>
                {p.name}
              </button>{' '}
              {p.phone}
            </li>
          ))}
        </ul>
      )}
      {problem && <p role="alert">{problem}</p>}
      {patient && (
        <label>
          Appointment type
          <select value={typeId} onChange={(e) => setTypeId(e.target.value)}>
            <option value="">Choose…</option>
            {types.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {patient && typeId && (
        <SlotPicker
          key={`${patient.id}/${typeId}`}
          title="Free times"
          base={base}
          clinic={clinic}
          typeId={typeId}
          nameOf={nameOf}
          onPick={async (slot) => {
            await api('POST', `${base}/appointments`, {
              patientId: patient.id,
              practitionerId: slot.practitionerId,
              typeId,
              startsAt: slot.startsAt,
            });
            onBooked(
              `Booked ${patient.name} for ${timeIn(slot.startsAt, clinic.timeZone, clinic.locale)} with ${nameOf(slot.practitionerId)}.`,
            );
            setPatient(null);
            setTypeId('');
            setFound([]);
            setQuery('');
          }}
        />
      )}
    </div>
  );
}

/** The next free times for a type; picking one books or moves. A time taken meanwhile offers the alternatives. */
function SlotPicker(props: {
  title: string;
  base: string;
  clinic: ClinicSummary;
  typeId: string;
  nameOf: (id: string) => string;
  onPick: (s: FreeSlot) => Promise<void>;
  onClose?: () => void;
}) {
  const [slots, setSlots] = useState<Load<FreeSlot[]>>({ state: 'loading' });
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const loadSlots = useCallback(
    () =>
      loadInto(
        api<FreeSlots>('GET', `${props.base}/slots?${new URLSearchParams({ typeId: props.typeId, limit: '8' })}`),
        setSlots,
        (r) => r.slots,
      ),
    [props.base, props.typeId],
  );
  useEffect(loadSlots, [loadSlots]);

  async function pick(slot: FreeSlot) {
    setBusy(true);
    setProblem('');
    try {
      await props.onPick(slot);
    } catch (err) {
      const e = err as ApiError;
      if (e.code !== 'slot_taken') return setProblem(e.message);
      setProblem('That time was just taken by someone else. Choose another.');
      setSlots({ state: 'loading' });
      loadSlots();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="panel" role="region" aria-label={props.title}>
      <h3>{props.title}</h3>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={slots} loading="Finding free times…">
        {(value) =>
          value.length === 0 ? (
            <p className="empty">No free times in the booking horizon.</p>
          ) : (
            <div className="slots">
              {value.map((s) => (
                <button key={`${s.practitionerId}@${s.startsAt}`} disabled={busy} onClick={() => pick(s)}>
                  {timeIn(s.startsAt, props.clinic.timeZone, props.clinic.locale)} · {props.nameOf(s.practitionerId)}
                </button>
              ))}
            </div>
          )
        }
      </Loaded>
      {props.onClose && (
        <button className="link" onClick={props.onClose}>
          Close
        </button>
      )}
    </div>
  );
}
