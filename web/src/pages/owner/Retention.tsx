import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { Loaded } from '../../components/Loaded';
import { useSubmit } from '../../components/useSubmit';
import { timeIn } from '../../live/format';
import type { ClinicSummary, JsonValue, RetentionPanel } from '../../../../src/contracts/api';

const PERIODS = [
  ['recordingRetentionDays', 'Call recordings', 1, 730],
  ['voicemailRetentionDays', 'Voicemails', 1, 730],
  ['callLogRetentionDays', 'Call log and texts', 30, 3650],
  ['auditRetentionDays', 'Audit log', 365, 3650],
] as const;
type PeriodKey = (typeof PERIODS)[number][0];

/** How many of `kind` a purge destroyed: its audit details hold counts by kind, though the log may hold any JSON. */
const purged = (counts: JsonValue | null, kind: string) =>
  counts && typeof counts === 'object' && !Array.isArray(counts) ? (counts[kind] ?? 0) : 0;

/** How long recordings, voicemails, call logs and the audit log are kept, who hears call recordings, whether voicemails are transcribed, and the purge's runs. */
export function Retention({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [panel, setPanel] = useState<Load<RetentionPanel>>({ state: 'loading' });
  const [form, setForm] = useState<Record<PeriodKey, string> & { hear: boolean; transcribe: boolean }>({
    recordingRetentionDays: '',
    voicemailRetentionDays: '',
    callLogRetentionDays: '',
    auditRetentionDays: '',
    hear: false,
    transcribe: true,
  });
  const save = useSubmit();
  const load = useCallback(() => loadInto(api<RetentionPanel>('GET', `${base}/retention`), setPanel, (p) => p), [base]);
  useEffect(load, [load]);
  useEffect(() => {
    if (panel.state !== 'ready') return;
    const p = panel.value;
    setForm({
      recordingRetentionDays: String(p.recordingRetentionDays),
      voicemailRetentionDays: String(p.voicemailRetentionDays),
      callLogRetentionDays: String(p.callLogRetentionDays),
      auditRetentionDays: String(p.auditRetentionDays),
      hear: p.receptionistsHearRecordings,
      transcribe: p.transcribeVoicemails,
    });
  }, [panel]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = {
      ...Object.fromEntries(PERIODS.map(([key]) => [key, Number(form[key])])),
      receptionistsHearRecordings: form.hear,
      transcribeVoicemails: form.transcribe,
    };
    if (await save.run(() => api('PATCH', base, body), 'Saved. The next purge uses these periods.')) load();
  }
  const when = (iso: string) => timeIn(iso, clinic.timeZone, clinic.locale);

  return (
    <form className="panel" onSubmit={submit} aria-label="Recordings and retention">
      <h2>Recordings and retention</h2>
      <Loaded load={panel} loading="Loading…" retry={load}>
        {(p) => (
          <>
            <p className="note">
              Kept for this many days, then destroyed here and at Twilio (a recording on legal hold is kept). Statistics
              are kept as daily totals without personal data.
            </p>
            <div className="row">
              {PERIODS.map(([key, label, min, max]) => (
                <label key={key}>
                  {label} (days)
                  <input
                    type="number"
                    min={min}
                    max={max}
                    value={form[key]}
                    onChange={(e) => setForm({ ...form, [key]: e.target.value })}
                  />
                </label>
              ))}
            </div>
            <label className="inline">
              <input
                type="checkbox"
                checked={form.hear}
                onChange={(e) => setForm({ ...form, hear: e.target.checked })}
              />{' '}
              Receptionists may listen to call recordings (voicemails are always theirs to hear)
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={form.transcribe}
                onChange={(e) => setForm({ ...form, transcribe: e.target.checked })}
              />{' '}
              Transcribe voicemails: Twilio writes out messages of 2 seconds to 2 minutes, shown beside the player
              (Twilio charges for it; the text is kept and destroyed with the voicemail)
            </label>
            <p aria-label="Purge runs">
              Next purge: {when(p.nextRunAt)}.{' '}
              {p.lastRun
                ? `Last purge ${when(p.lastRun.at)}: ${purged(p.lastRun.counts, 'callRecordings')} call recordings, ${purged(p.lastRun.counts, 'voicemails')} voicemails, ${purged(p.lastRun.counts, 'calls')} calls, ${purged(p.lastRun.counts, 'texts')} texts and ${purged(p.lastRun.counts, 'auditEntries')} audit entries destroyed; ${purged(p.lastRun.counts, 'held')} kept under legal hold.`
                : 'No purge has run yet.'}
            </p>
            {save.done && <p role="status">{save.done}</p>}
            <FormEnd error={save.error} busy={save.busy} label="Save retention" busyLabel="Saving…" />
          </>
        )}
      </Loaded>
    </form>
  );
}
