import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../api';
import { Loaded } from '../components/Loaded';
import { PractitionerSelect } from '../components/PractitionerSelect';
import { useSubmit } from '../components/useSubmit';
import { useLiveEvents } from '../live/context';
import { SlotPicker } from '../calendar/SlotPicker';
import { useDiarySetup } from '../calendar/useDiarySetup';
import { addDays, clockText, wallClock } from '../calendar/grid';
import { dayText } from '../calendar/words';
import { PatientChoice } from '../patients/PatientChoice';
import type { ClinicSummary, PatientSummary, WaitingList as List, WaitlistOfferSent } from '../../../src/contracts/api';
import { DateField } from '../components/DateField';
import { calendarDate } from '../format/dates';
import { Outcome } from '../components/Outcome';

type Entry = List['waitlist'][number];

/**
 * Who waits for a time, longest first: each entry's free times within its dates, one
 * click to book one (they come off the list with it) or to text them the offer; add
 * and remove people.
 */
export function WaitingList({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [list, setList] = useState<Load<Entry[]>>({ state: 'loading' });
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const { practitioners, types } = useDiarySetup(base);
  const load = useCallback(() => loadInto(api<List>('GET', `${base}/waitlist`), setList, (r) => r.waitlist), [base]);
  useEffect(load, [load]);
  // A booking or cancellation elsewhere changes what is free.
  useLiveEvents((e) => {
    if (e.name.startsWith('appointment.')) load();
  }, load);
  const nameOf = (id: string) => practitioners.find((p) => p.id === id)?.name ?? '';
  const today = wallClock(Date.now(), clinic.timeZone).date;
  const when = (iso: string) => {
    const w = wallClock(iso, clinic.timeZone);
    return `${dayText(w.date, clinic.locale)} ${clockText(w.minute)}`;
  };

  async function remove(entry: Entry) {
    setProblem('');
    try {
      await api('DELETE', `${base}/waitlist/${entry.id}`);
      setNotice(`${entry.patient.name} is off the waiting list.`);
      load();
    } catch (err) {
      setProblem((err as Error).message);
    }
  }

  return (
    <section aria-label="Waiting list">
      <div className="row">
        <button onClick={() => setAdding(true)} disabled={adding}>
          Add to the waiting list
        </button>
      </div>
      <Outcome text={notice} />
      {problem && <p role="alert">{problem}</p>}
      {adding && (
        <AddForm
          base={base}
          clinic={clinic}
          types={types.filter((t) => t.active)}
          practitioners={practitioners.filter((p) => p.active)}
          onAdded={(text) => {
            setAdding(false);
            setNotice(text);
            load();
          }}
          onCancel={() => setAdding(false)}
        />
      )}
      <Loaded load={list} loading="Loading the waiting list…" retry={load}>
        {(entries) =>
          entries.length === 0 ? (
            <p className="empty">Nobody is on the waiting list.</p>
          ) : (
            <ol aria-label="Waiting" className="cards">
              {entries.map((e) => (
                <li key={e.id} className="card-row waitlist-row" aria-label={e.patient.name}>
                  <div>
                    <strong>{e.patient.name}</strong> — {e.type.name}
                    {e.practitioner ? ` with ${e.practitioner.name}` : ' with anyone'},{' '}
                    {calendarDate(e.fromDate, clinic.locale)} to {calendarDate(e.toDate, clinic.locale)}
                    <div className="note">Waiting since {when(e.createdAt)}</div>
                  </div>
                  <button className="secondary" onClick={() => setOpen(open === e.id ? null : e.id)}>
                    {open === e.id ? 'Hide free times' : 'Free times'}
                  </button>
                  <button className="link" onClick={() => remove(e)}>
                    Remove
                  </button>
                  {open === e.id && (
                    <Matches
                      entry={e}
                      base={base}
                      clinic={clinic}
                      from={e.fromDate > today ? e.fromDate : today}
                      nameOf={nameOf}
                      when={when}
                      onDone={(text) => {
                        setNotice(text);
                        setOpen(null);
                        load();
                      }}
                    />
                  )}
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}

/** The free times that fit an entry; each books it, or texts them the offer. */
function Matches(props: {
  entry: Entry;
  base: string;
  clinic: ClinicSummary;
  from: string;
  nameOf: (id: string) => string;
  when: (iso: string) => string;
  onDone: (text: string) => void;
}) {
  const { entry: e, base } = props;
  const [texting, setTexting] = useState(false);
  const [problem, setProblem] = useState('');
  if (props.from > e.toDate) return <p className="empty">Their dates have passed: remove them, or add them again.</p>;
  return (
    <div className="matches">
      <label className="check">
        <input type="checkbox" checked={texting} onChange={(ev) => setTexting(ev.target.checked)} />
        Text them the offer instead of booking (the first to reply YES gets it)
      </label>
      {problem && <p role="alert">{problem}</p>}
      <SlotPicker
        title={`Free times for ${e.patient.name}`}
        base={base}
        timeZone={props.clinic.timeZone}
        locale={props.clinic.locale}
        nameOf={props.nameOf}
        query={{ typeId: e.typeId, practitionerId: e.practitionerId ?? undefined, from: props.from, to: e.toDate }}
        onPick={async (slot) => {
          setProblem('');
          if (texting) {
            const sent = await api<WaitlistOfferSent>('POST', `${base}/waitlist/${e.id}/offers`, {
              practitionerId: slot.practitionerId,
              startsAt: slot.startsAt,
            });
            props.onDone(
              sent.offered
                ? `Texted ${e.patient.name} the offer of ${props.when(slot.startsAt)}.`
                : `${e.patient.name} was offered ${props.when(slot.startsAt)} already.`,
            );
            return;
          }
          await api('POST', `${base}/appointments`, {
            patientId: e.patientId,
            practitionerId: slot.practitionerId,
            typeId: e.typeId,
            startsAt: slot.startsAt,
            waitlistEntryId: e.id,
          });
          props.onDone(
            `Booked ${e.patient.name} for ${props.when(slot.startsAt)} with ${props.nameOf(slot.practitionerId)}; they are off the waiting list.`,
          );
        }}
      />
    </div>
  );
}

function AddForm(props: {
  base: string;
  clinic: ClinicSummary;
  types: Array<{ id: string; name: string; practitionerIds: string[] }>;
  practitioners: Array<{ id: string; name: string }>;
  onAdded: (text: string) => void;
  onCancel: () => void;
}) {
  const today = wallClock(Date.now(), props.clinic.timeZone).date;
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [typeId, setTypeId] = useState('');
  const [practitionerId, setPractitionerId] = useState('');
  const [fromDate, setFromDate] = useState(today);
  const [toDate, setToDate] = useState(addDays(today, 14));
  const { busy, error, run } = useSubmit();
  const type = props.types.find((t) => t.id === typeId) ?? props.types[0];

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!patient || !type) return;
    void run(async () => {
      await api('POST', `${props.base}/waitlist`, {
        patientId: patient.id,
        typeId: type.id,
        practitionerId: practitionerId || null,
        fromDate,
        toDate,
      });
      props.onAdded(`${patient.name} is on the waiting list.`);
    });
  }

  return (
    <div className="panel" role="region" aria-label="Add to the waiting list">
      <h2>Add to the waiting list</h2>
      <PatientChoice base={props.base} patient={patient} onChange={setPatient} />
      <form className="row" onSubmit={submit} aria-label="Waiting for">
        <label>
          Appointment type
          <select value={type?.id ?? ''} onChange={(e) => setTypeId(e.target.value)}>
            {props.types.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <PractitionerSelect
          label="With"
          value={practitionerId}
          onChange={setPractitionerId}
          practitioners={props.practitioners.filter((p) => !type || type.practitionerIds.includes(p.id))}
          noneText="Anyone"
        />
        <DateField label="From" value={fromDate} onChange={setFromDate} required />
        <DateField label="To" value={toDate} onChange={setToDate} required />
        <button type="submit" disabled={busy || !patient}>
          Add
        </button>
        <button type="button" className="link" onClick={props.onCancel}>
          Cancel
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
