import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { DateTime } from 'luxon';
import { api, type Load, loadInto } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { Loaded } from '../../components/Loaded';
import { useSubmit } from '../../components/useSubmit';
import { timeIn } from '../../live/format';
import type { ClinicSummary, ClosureList, ClosureView, Named } from '../../../../src/contracts/api';
import { PractitionerSelect } from '../../components/PractitionerSelect';
import { DateField } from '../../components/DateField';
import { TimeField } from '../../components/TimeField';

/** Days or hours the clinic (or one practitioner) is closed: no bookings, and reception says when it opens again. */
export function Closures({ clinic, practitioners }: { clinic: ClinicSummary; practitioners: Named[] }) {
  const base = `/api/clinics/${clinic.id}/closures`;
  const [closures, setClosures] = useState<Load<ClosureView[]>>({ state: 'loading' });
  // Each end a date and a time, typed the clinic's way.
  const [form, setForm] = useState({
    startDate: '',
    startTime: '',
    endDate: '',
    endTime: '',
    practitionerId: '',
    reason: '',
  });
  const save = useSubmit();
  const [problem, setProblem] = useState('');
  const load = useCallback(() => loadInto(api<ClosureList>('GET', base), setClosures, (r) => r.closures), [base]);
  useEffect(load, [load]);

  // The form's times are the clinic's wall clock, wherever the owner's computer is.
  // 24:00 is the end of the day: the next day's midnight.
  const instant = (date: string, time: string) =>
    time === '24:00'
      ? DateTime.fromISO(date, { zone: clinic.timeZone }).plus({ days: 1 }).toISO()
      : DateTime.fromISO(`${date}T${time}`, { zone: clinic.timeZone }).toISO();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await save.run(
      () =>
        api('POST', base, {
          startsAt: instant(form.startDate, form.startTime),
          endsAt: instant(form.endDate, form.endTime),
          practitionerId: form.practitionerId || null,
          reason: form.reason.trim() || null,
        }),
      'Closure added.',
    );
    if (ok) {
      setForm({ startDate: '', startTime: '', endDate: '', endTime: '', practitionerId: '', reason: '' });
      load();
    }
  }
  async function remove(c: ClosureView) {
    setProblem('');
    try {
      await api('DELETE', `${base}/${c.id}`);
      load();
    } catch (err) {
      setProblem((err as Error).message);
    }
  }
  const who = (id: string | null) =>
    id ? (practitioners.find((p) => p.id === id)?.name ?? 'A practitioner') : 'Whole clinic';
  const when = (iso: string) => timeIn(iso, clinic.timeZone, clinic.locale);

  return (
    <section className="panel" aria-label="Closures">
      <h2>Closures</h2>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={closures} loading="Loading…" retry={load}>
        {(list) =>
          list.length === 0 ? (
            <p className="empty">No closures ahead.</p>
          ) : (
            <ul className="cards" aria-label="Closures ahead">
              {list.map((c) => (
                <li key={c.id} className="card-row">
                  <strong>{who(c.practitionerId)}</strong>
                  <span>
                    {when(c.startsAt)} – {when(c.endsAt)}
                  </span>
                  {c.reason && <span className="note">{c.reason}</span>}
                  <button className="link" onClick={() => remove(c)}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form onSubmit={submit} aria-label="Add a closure">
        <div className="row">
          <DateField
            label="From"
            required
            value={form.startDate}
            onChange={(startDate) => setForm({ ...form, startDate })}
          />
          <TimeField
            label="at"
            required
            value={form.startTime}
            onChange={(startTime) => setForm({ ...form, startTime })}
          />
          <DateField
            label="Until"
            required
            value={form.endDate}
            onChange={(endDate) => setForm({ ...form, endDate })}
          />
          <TimeField
            label="Ending at"
            required
            value={form.endTime}
            onChange={(endTime) => setForm({ ...form, endTime })}
          />
          <PractitionerSelect
            label="Who"
            value={form.practitionerId}
            onChange={(practitionerId) => setForm({ ...form, practitionerId })}
            practitioners={practitioners}
            noneText="Whole clinic"
          />
          <label>
            Reason (staff only)
            <input maxLength={200} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          </label>
        </div>
        {save.done && <p role="status">{save.done}</p>}
        <FormEnd error={save.error} busy={save.busy} label="Add closure" busyLabel="Adding…" />
      </form>
    </section>
  );
}
