import { type FormEvent, useState } from 'react';
import { api, type ApiError } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import { WeeklyHours } from './WeeklyHours';
import type { AppointmentTypeView, PractitionerView } from '../../../../src/contracts/api';

/** "jab, injection" → ["jab", "injection"] */
const wordsOf = (text: string) =>
  text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

/** Who sees patients and when; add, rename, set hours, retire. */
export function Practitioners({
  base,
  practitioners,
  reload,
}: {
  base: string;
  practitioners: PractitionerView[];
  reload: () => void;
}) {
  const [form, setForm] = useState({ name: '', spokenName: '' });
  const [open, setOpen] = useState('');
  const [problem, setProblem] = useState('');
  const save = useSubmit();

  async function add(e: FormEvent) {
    e.preventDefault();
    if (
      await save.run(
        () =>
          api('POST', `${base}/practitioners`, {
            name: form.name,
            ...(form.spokenName.trim() ? { spokenName: form.spokenName } : {}),
          }),
        'Practitioner added.',
      )
    ) {
      setForm({ name: '', spokenName: '' });
      reload();
    }
  }
  async function change(p: PractitionerView, data: Partial<PractitionerView>) {
    setProblem('');
    try {
      await api('PATCH', `${base}/practitioners/${p.id}`, data);
      reload();
    } catch (err) {
      setProblem(`${p.name}: ${(err as ApiError).message}`);
    }
  }

  return (
    <section className="panel" aria-label="Practitioners">
      <h2>Practitioners</h2>
      {problem && <p role="alert">{problem}</p>}
      {practitioners.length === 0 && <p className="empty">No practitioners yet: add the first below.</p>}
      <ul className="cards">
        {practitioners.map((p) => (
          <li key={p.id} className="card-row">
            <strong>{p.name}</strong>
            <span className="note">said as “{p.spokenName}”</span>
            <span className="note">{p.hours.length} weekly ranges</span>
            <label className="inline">
              <input type="checkbox" checked={p.active} onChange={(e) => change(p, { active: e.target.checked })} />{' '}
              Taking bookings
            </label>
            <button className="link" onClick={() => setOpen(open === p.id ? '' : p.id)} aria-expanded={open === p.id}>
              {open === p.id ? 'Hide hours' : 'Working hours'}
            </button>
            {open === p.id && (
              <div className="detail">
                <WeeklyHours
                  title={`Hours of ${p.name}`}
                  url={`${base}/practitioners/${p.id}/hours`}
                  initial={p.hours}
                  onSaved={reload}
                />
              </div>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label="Add a practitioner">
        <div className="row">
          <label>
            Name
            <input
              required
              maxLength={120}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </label>
          <label>
            Said on the phone as
            <input
              maxLength={120}
              placeholder="Dr Patel"
              value={form.spokenName}
              onChange={(e) => setForm({ ...form, spokenName: e.target.value })}
            />
          </label>
        </div>
        {save.done && <p role="status">{save.done}</p>}
        <FormEnd error={save.error} busy={save.busy} label="Add practitioner" busyLabel="Adding…" />
      </form>
    </section>
  );
}

/** What can be booked, for how long, with whom, and whether callers may book it by phone. */
export function AppointmentTypes({
  base,
  types,
  practitioners,
  reload,
}: {
  base: string;
  types: AppointmentTypeView[];
  practitioners: PractitionerView[];
  reload: () => void;
}) {
  const [form, setForm] = useState({
    name: '',
    durationMinutes: '30',
    bufferAfterMinutes: '0',
    phoneBookable: true,
    synonyms: '',
    practitionerIds: [] as string[],
  });
  const [problem, setProblem] = useState('');
  const save = useSubmit();
  const toggle = (ids: string[], id: string) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);

  async function add(e: FormEvent) {
    e.preventDefault();
    const body = {
      ...form,
      durationMinutes: Number(form.durationMinutes),
      bufferAfterMinutes: Number(form.bufferAfterMinutes),
      synonyms: wordsOf(form.synonyms),
    };
    if (await save.run(() => api('POST', `${base}/appointment-types`, body), 'Appointment type added.')) {
      setForm({
        name: '',
        durationMinutes: '30',
        bufferAfterMinutes: '0',
        phoneBookable: true,
        synonyms: '',
        practitionerIds: [],
      });
      reload();
    }
  }
  async function change(t: AppointmentTypeView, data: Partial<AppointmentTypeView>) {
    setProblem('');
    try {
      await api('PATCH', `${base}/appointment-types/${t.id}`, data);
      reload();
    } catch (err) {
      setProblem(`${t.name}: ${(err as ApiError).message}`);
    }
  }

  return (
    <section className="panel" aria-label="Appointment types">
      <h2>Appointment types</h2>
      {problem && <p role="alert">{problem}</p>}
      {types.length === 0 && <p className="empty">No appointment types yet.</p>}
      <ul className="cards">
        {types.map((t) => (
          <li key={t.id} className="card-row">
            <strong>{t.name}</strong>
            <span>
              {t.durationMinutes} min{t.bufferAfterMinutes ? ` + ${t.bufferAfterMinutes} min after` : ''}
            </span>
            <label className="inline">
              <input
                type="checkbox"
                checked={t.phoneBookable}
                onChange={(e) => change(t, { phoneBookable: e.target.checked })}
              />{' '}
              Bookable by phone
            </label>
            <label className="inline">
              <input type="checkbox" checked={t.active} onChange={(e) => change(t, { active: e.target.checked })} /> In
              use
            </label>
            <label>
              Callers also say (commas between)
              <input
                defaultValue={t.synonyms.join(', ')}
                placeholder="jab, injection"
                onBlur={(e) => {
                  const said = wordsOf(e.target.value);
                  if (said.join(',') !== t.synonyms.join(',')) void change(t, { synonyms: said });
                }}
              />
            </label>
            <span className="detail">
              {practitioners.map((p) => (
                <label key={p.id} className="inline">
                  <input
                    type="checkbox"
                    checked={t.practitionerIds.includes(p.id)}
                    onChange={() => change(t, { practitionerIds: toggle(t.practitionerIds, p.id) })}
                  />{' '}
                  {p.name}
                </label>
              ))}
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label="Add an appointment type">
        <div className="row">
          <label>
            Name
            <input
              required
              maxLength={120}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </label>
          <label>
            Minutes
            <input
              type="number"
              min={5}
              max={480}
              step={5}
              value={form.durationMinutes}
              onChange={(e) => setForm({ ...form, durationMinutes: e.target.value })}
            />
          </label>
          <label>
            Minutes free after
            <input
              type="number"
              min={0}
              max={120}
              step={5}
              value={form.bufferAfterMinutes}
              onChange={(e) => setForm({ ...form, bufferAfterMinutes: e.target.value })}
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={form.phoneBookable}
              onChange={(e) => setForm({ ...form, phoneBookable: e.target.checked })}
            />{' '}
            Bookable by phone
          </label>
          <label>
            Callers also say (commas between)
            <input
              placeholder="jab, injection"
              value={form.synonyms}
              onChange={(e) => setForm({ ...form, synonyms: e.target.value })}
            />
          </label>
        </div>
        <p className="row">
          {practitioners.map((p) => (
            <label key={p.id} className="inline">
              <input
                type="checkbox"
                checked={form.practitionerIds.includes(p.id)}
                onChange={() => setForm({ ...form, practitionerIds: toggle(form.practitionerIds, p.id) })}
              />{' '}
              {p.name}
            </label>
          ))}
        </p>
        {save.done && <p role="status">{save.done}</p>}
        <FormEnd error={save.error} busy={save.busy} label="Add appointment type" busyLabel="Adding…" />
      </form>
    </section>
  );
}
