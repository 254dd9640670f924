import { type ReactElement, useCallback, useEffect, useState } from 'react';
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
        {(s) => {
          const sections: Array<[string, string, ReactElement]> = [
            ['phone-line', 'Phone line', <PhoneLine clinic={s.clinic} onSaved={(c) => replace({ clinic: c })} />],
            [
              'emergency',
              'Urgent phrases and advice',
              <EmergencyAdvice
                clinic={s.clinic}
                defaults={s.emergencyDefaults}
                onSaved={(c) => replace({ clinic: c })}
              />,
            ],
            ['time-zone', 'Time zone and language', <TimeZone clinic={s.clinic} />],
            [
              'reception-hours',
              'Reception hours',
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
              </section>,
            ],
            ['closures', 'Closures', <Closures clinic={clinic} practitioners={s.practitioners} />],
            [
              'practitioners',
              'Practitioners',
              <Practitioners base={base} practitioners={s.practitioners} reload={load} />,
            ],
            [
              'appointment-types',
              'Appointment types',
              <AppointmentTypes base={base} types={s.types} practitioners={s.practitioners} reload={load} />,
            ],
            ['booking-rules', 'Booking rules', <BookingRules base={base} />],
            ['retention', 'Recordings and retention', <Retention clinic={clinic} />],
            ['calendar-links', 'Calendar links', <CalendarLinks base={base} />],
            ['clinic-data', "The clinic's data", <ClinicRights clinic={clinic} />],
          ];
          return (
            <>
              {/* A long page: its sections one link away, and each link moves focus there. */}
              <nav aria-label="Settings sections" className="section-nav">
                <ul>
                  {sections.map(([id, label]) => (
                    <li key={id}>
                      <a
                        href={`#settings-${id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          const target = document.getElementById(`settings-${id}`);
                          target?.scrollIntoView({ block: 'start' });
                          target?.focus({ preventScroll: true });
                        }}
                      >
                        {label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              {sections.map(([id, , element]) => (
                <div key={id} id={`settings-${id}`} tabIndex={-1} className="section-anchor">
                  {element}
                </div>
              ))}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
