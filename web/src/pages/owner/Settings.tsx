import { useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../../api';
import { Loaded } from '../../components/Loaded';
import type { ClinicView } from '../Live';
import { BookingRules } from './BookingRules';
import { CalendarLinks } from './CalendarLinks';
import { ClinicRights } from './ClinicRights';
import { Closures } from './Closures';
import { type ClinicSettings, PhoneLine } from './PhoneLine';
import { type AppointmentType, AppointmentTypes, type Practitioner, Practitioners } from './Practitioners';
import { Retention } from './Retention';
import { TimeZone } from './TimeZone';
import { type Range, WeeklyHours } from './WeeklyHours';

interface Setup {
  clinic: ClinicSettings;
  receptionHours: Range[];
  practitioners: Practitioner[];
  types: AppointmentType[];
}

/** Everything an owner sets: what callers hear, reception hours, closures, who sees patients, what can be booked, calendar links. */
export function Settings({ clinic }: { clinic: ClinicView }) {
  const base = `/api/clinics/${clinic.id}`;
  const [setup, setSetup] = useState<Load<Setup>>({ state: 'loading' });
  const load = useCallback(() => {
    const all = Promise.all([
      api<ClinicSettings>('GET', base),
      api<{ hours: Range[] }>('GET', `${base}/opening-hours`),
      api<{ practitioners: Practitioner[] }>('GET', `${base}/practitioners`),
      api<{ appointmentTypes: AppointmentType[] }>('GET', `${base}/appointment-types`),
    ]);
    loadInto(all, setSetup, ([c, h, p, t]) => ({ clinic: c, receptionHours: h.hours, practitioners: p.practitioners, types: t.appointmentTypes }));
  }, [base]);
  useEffect(load, [load]);
  const replace = (change: Partial<Setup>) => setSetup((s) => (s.state === 'ready' ? { state: 'ready', value: { ...s.value, ...change } } : s));

  return (
    <section aria-label="Settings" className="stack">
      <Loaded load={setup} loading="Loading settings…" retry={load}>
        {(s) => (
          <>
            <PhoneLine clinic={s.clinic} onSaved={(c) => replace({ clinic: c })} />
            <TimeZone clinic={s.clinic} />
            <section className="panel" aria-label="Reception hours">
              <h2>Reception hours</h2>
              <p className="note">When callers can reach a person. Outside them callers hear when reception opens next and can leave a message or book.</p>
              <WeeklyHours title="Reception hours" url={`${base}/opening-hours`} initial={s.receptionHours} onSaved={(hours) => replace({ receptionHours: hours })} />
            </section>
            <Closures clinic={clinic} practitioners={s.practitioners} />
            <Practitioners base={base} practitioners={s.practitioners} reload={load} />
            <AppointmentTypes base={base} types={s.types} practitioners={s.practitioners} reload={load} />
            <BookingRules base={base} />
            <Retention clinic={clinic} />
            <CalendarLinks base={base} />
            <ClinicRights clinic={clinic} />
          </>
        )}
      </Loaded>
    </section>
  );
}
