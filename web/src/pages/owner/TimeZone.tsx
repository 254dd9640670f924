import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { ClinicSummary } from '../../../../src/contracts/api';

/** The voices the phone line speaks in (the server refuses others: Twilio's default voices speak English only as these). */
export const LOCALES: Array<[string, string]> = [
  ['en-GB', 'English, British voice (“Tuesday the 4th of March at half past two”)'],
  ['en-US', 'English, American voice (“Tuesday, March 4th at 2:30 PM”)'],
];

function timeZones(current: string): string[] {
  const all =
    typeof Intl.supportedValuesOf === 'function'
      ? Intl.supportedValuesOf('timeZone').filter((z) => z.includes('/'))
      : [];
  return all.includes(current) ? all : [current, ...all];
}

/**
 * Where the clinic is. Changing the time zone is confirmed first: appointments and
 * closures keep their moment, so they show at other local times, while reception
 * and working hours stay at the same local times. Every screen then reloads in the
 * new zone.
 */
export function TimeZone({ clinic }: { clinic: Pick<ClinicSummary, 'id' | 'timeZone' | 'locale'> }) {
  const [form, setForm] = useState({ timeZone: clinic.timeZone, locale: clinic.locale });
  const [confirming, setConfirming] = useState(false);
  const save = useSubmit();
  const zoneChanged = form.timeZone !== clinic.timeZone;
  const changed = zoneChanged || form.locale !== clinic.locale;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!changed) return;
    if (zoneChanged && !confirming) return setConfirming(true);
    const changes = {
      ...(zoneChanged ? { timeZone: form.timeZone } : {}),
      ...(form.locale !== clinic.locale ? { locale: form.locale } : {}),
    };
    if (await save.run(() => api('PATCH', `/api/clinics/${clinic.id}`, changes), 'Saved. Reloading…'))
      window.location.reload();
  }

  const locales = LOCALES.some(([code]) => code === clinic.locale)
    ? LOCALES
    : [[clinic.locale, clinic.locale] as [string, string], ...LOCALES];
  return (
    <form className="panel" onSubmit={submit} aria-label="Time zone and language">
      <h2>Time zone and language</h2>
      <div className="row">
        <label>
          Time zone
          <select
            value={form.timeZone}
            onChange={(e) => {
              setForm({ ...form, timeZone: e.target.value });
              setConfirming(false);
            }}
          >
            {timeZones(clinic.timeZone).map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <label>
          Voice and dates
          <select value={form.locale} onChange={(e) => setForm({ ...form, locale: e.target.value })}>
            {locales.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {confirming && (
        <p role="alert" className="error">
          Moving the clinic from {clinic.timeZone} to {form.timeZone}: appointments and closures keep their moment in
          time, so they will show at different local times; reception and working hours stay at the same local times.
          Press the button again to change it.
        </p>
      )}
      {save.done && <p role="status">{save.done}</p>}
      <FormEnd
        error={save.error}
        busy={save.busy}
        label={confirming ? `Yes, move the clinic to ${form.timeZone}` : 'Save time zone and language'}
        busyLabel="Saving…"
      />
    </form>
  );
}
