import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { ClinicSettings } from '../../../../src/contracts/api';

const TEXTS = [
  'name',
  'greeting',
  'emergencyMessage',
  'recordingNotice',
  'fallbackNumber',
  'receptionNumber',
  'odsCode',
] as const;
type Form = Record<(typeof TEXTS)[number], string> & {
  recordCalls: boolean;
  textMessages: boolean;
  maxQueueWaitSeconds: string;
  maxQueueSize: string;
  queueCallBackAfterSeconds: string;
  callBackAttempts: string;
  callBackRetryMinutes: string;
  callBackWindows: boolean;
};

const toForm = (c: ClinicSettings): Form => ({
  ...(Object.fromEntries(TEXTS.map((k) => [k, c[k] ?? ''])) as Record<(typeof TEXTS)[number], string>),
  recordCalls: c.recordCalls,
  textMessages: c.textMessages,
  maxQueueWaitSeconds: String(c.maxQueueWaitSeconds),
  maxQueueSize: String(c.maxQueueSize),
  queueCallBackAfterSeconds: c.queueCallBackAfterSeconds === null ? '' : String(c.queueCallBackAfterSeconds),
  callBackAttempts: String(c.callBackAttempts),
  callBackRetryMinutes: String(c.callBackRetryMinutes),
  callBackWindows: c.callBackWindows,
});

/** What callers hear and where calls go. Only what changed is sent; the next call uses it. */
export function PhoneLine({ clinic, onSaved }: { clinic: ClinicSettings; onSaved: (c: ClinicSettings) => void }) {
  const [form, setForm] = useState(() => toForm(clinic));
  const save = useSubmit();
  const text = (key: (typeof TEXTS)[number]) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const before = toForm(clinic);
    const changes: Record<string, unknown> = {};
    for (const key of TEXTS)
      if (form[key] !== before[key]) changes[key] = key === 'name' ? form[key].trim() : form[key].trim() || null;
    for (const key of ['recordCalls', 'textMessages', 'callBackWindows'] as const)
      if (form[key] !== before[key]) changes[key] = form[key];
    for (const key of ['maxQueueWaitSeconds', 'maxQueueSize', 'callBackAttempts', 'callBackRetryMinutes'] as const)
      if (form[key] !== before[key]) changes[key] = Number(form[key]);
    if (form.queueCallBackAfterSeconds !== before.queueCallBackAfterSeconds)
      changes.queueCallBackAfterSeconds =
        form.queueCallBackAfterSeconds.trim() === '' ? null : Number(form.queueCallBackAfterSeconds);
    if (Object.keys(changes).length === 0) return;
    await save.run(async () => onSaved(await api<ClinicSettings>('PATCH', `/api/clinics/${clinic.id}`, changes)));
  }

  return (
    <form className="panel" onSubmit={submit} aria-label="Phone line">
      <h2>Phone line</h2>
      <label>
        Clinic name
        <input required maxLength={120} {...text('name')} />
      </label>
      <label>
        Emergency message (said first, on every call)
        <textarea
          maxLength={300}
          rows={2}
          placeholder="For emergencies call 999, or 111 for urgent advice."
          {...text('emergencyMessage')}
        />
      </label>
      <label>
        Greeting
        <textarea
          maxLength={300}
          rows={2}
          placeholder={`Thank you for calling ${clinic.name}.`}
          {...text('greeting')}
        />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={form.recordCalls}
          onChange={(e) => setForm({ ...form, recordCalls: e.target.checked })}
        />{' '}
        Record calls
      </label>
      <label>
        Recording notice
        <textarea
          maxLength={300}
          rows={2}
          placeholder="Calls are recorded for training and quality."
          {...text('recordingNotice')}
        />
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={form.textMessages}
          onChange={(e) => setForm({ ...form, textMessages: e.target.checked })}
        />{' '}
        Send text messages (confirmations, missed calls, waiting-list offers)
      </label>
      <div className="row">
        <label>
          Reception desk phone
          <input type="tel" placeholder="01632 960555" {...text('receptionNumber')} />
        </label>
        <label>
          Fallback number (if the service fails)
          <input type="tel" placeholder="01632 960999" {...text('fallbackNumber')} />
        </label>
      </div>
      <div className="row">
        <label>
          Longest wait in the queue (seconds)
          <input
            type="number"
            min={30}
            max={1800}
            step={15}
            value={form.maxQueueWaitSeconds}
            onChange={(e) => setForm({ ...form, maxQueueWaitSeconds: e.target.value })}
          />
        </label>
        <label>
          Most callers waiting
          <input
            type="number"
            min={1}
            max={100}
            value={form.maxQueueSize}
            onChange={(e) => setForm({ ...form, maxQueueSize: e.target.value })}
          />
        </label>
      </div>
      <label>
        Offer a call-back to queued callers after (seconds; empty: not offered)
        <input
          type="number"
          min={0}
          max={1800}
          step={15}
          value={form.queueCallBackAfterSeconds}
          onChange={(e) => setForm({ ...form, queueCallBackAfterSeconds: e.target.value })}
        />
      </label>
      {form.queueCallBackAfterSeconds.trim() !== '' && (
        <fieldset className="group">
          <legend>Ringing callers back</legend>
          <div className="row">
            <label>
              Tries before the call-back list
              <input
                type="number"
                min={1}
                max={5}
                value={form.callBackAttempts}
                onChange={(e) => setForm({ ...form, callBackAttempts: e.target.value })}
              />
            </label>
            <label>
              Minutes between tries
              <input
                type="number"
                min={1}
                max={60}
                value={form.callBackRetryMinutes}
                onChange={(e) => setForm({ ...form, callBackRetryMinutes: e.target.value })}
              />
            </label>
          </div>
          <label className="inline">
            <input
              type="checkbox"
              checked={form.callBackWindows}
              onChange={(e) => setForm({ ...form, callBackWindows: e.target.checked })}
            />{' '}
            Callers may choose a later time today (“after 2 pm”)
          </label>
          <p className="note">
            Callers keep their place in the queue: a call-back is rung when it is next and a receptionist is free, only
            in reception hours. Texts on: a heads-up text, to which NO cancels.
          </p>
        </fieldset>
      )}
      <label>
        NHS ODS practice code (English GP practices: the NHS telephony statistics)
        <input maxLength={6} placeholder="A81001" autoComplete="off" {...text('odsCode')} />
      </label>
      {save.done && <p role="status">{save.done} The next call uses it.</p>}
      <FormEnd error={save.error} busy={save.busy} label="Save phone line" busyLabel="Saving…" />
    </form>
  );
}
