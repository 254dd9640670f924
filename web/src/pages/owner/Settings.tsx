import { useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../../api';
import { Loaded } from '../../components/Loaded';
import type {
  AppointmentTypeList,
  AppointmentTypeView,
  ClinicDetail,
  ClinicSettings,
  ClinicSummary,
  HoursList,
  HoursRange,
  PractitionerList,
  PractitionerView,
} from '../../../../src/contracts/api';
import { BookingRules } from './BookingRules';
import { CalendarLinks } from './CalendarLinks';
import { ClinicRights } from './ClinicRights';
import { Closures } from './Closures';
import { EmergencyAdvice } from './EmergencyAdvice';
import { PhoneLine } from './PhoneLine';
import { AppointmentTypes, Practitioners } from './Practitioners';
import { Retention } from './Retention';
import { TimeZone } from './TimeZone';
import { WeeklyHours } from './WeeklyHours';

interface Setup {
  clinic: ClinicSettings;
  emergencyDefaults: ClinicDetail['emergencyDefaults'];
  receptionHours: HoursRange[];
  practitioners: PractitionerView[];
  types: AppointmentTypeView[];
}

/** Everything an owner sets: what callers hear, reception hours, closures, who sees patients, what can be booked, calendar links. */
export function Settings({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [setup, setSetup] = useState<Load<Setup>>({ state: 'loading' });
  const load = useCallback(() => {
    const all = Promise.all([
      api<ClinicDetail>('GET', base),
      api<HoursList>('GET', `${base}/opening-hours`),
      api<PractitionerList>('GET', `${base}/practitioners`),
      api<AppointmentTypeList>('GET', `${base}/appointment-types`),
    ]);
    loadInto(all, setSetup, ([c, h, p, t]) => ({
      clinic: c,
      emergencyDefaults: c.emergencyDefaults,
      receptionHours: h.hours,
      practitioners: p.practitioners,
      types: t.appointmentTypes,
    }));
  }, [base]);
  useEffect(load, [load]);
  const replace = (change: Partial<Setup>) =>
    setSetup((s) => (s.state === 'ready' ? { state: 'ready', value: { ...s.value, ...change } } : s));

  return (
    <section aria-label="Settings" className="stack">
      <Loaded load={setup} loading="Loading settings…" retry={load}>
        {(s) => (
          <>
            <PhoneLine clinic={s.clinic} onSaved={(c) => replace({ clinic: c })} />
            <EmergencyAdvice clinic={s.clinic} defaults={s.emergencyDefaults} onSaved={(c) => replace({ clinic: c })} />
            <TimeZone clinic={s.clinic} />
            <section className="panel" aria-label="Reception hours">
              <h2>Reception hours</h2>
              <p className="note">
                When callers can reach a person. Outside them callers hear when reception opens next and can leave a
                message or book.
              </p>
              <WeeklyHours
                title="Reception hours"
                url={`${base}/opening-hours`}
                initial={s.receptionHours}
                onSaved={(hours) => replace({ receptionHours: hours })}
              />
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
