import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { ClinicDetail, ClinicSettings } from '../../../../src/contracts/api';
import { dayOf } from '../../format/dates';

/**
 * The phrases that, said at any point of a call, send the caller to the emergency
 * advice and then straight to reception — and the words of that advice. A signpost,
 * not triage: the defaults speak from the first call, and the owner reads, edits and
 * approves them.
 */
export function EmergencyAdvice({
  clinic,
  defaults,
  onSaved,
}: {
  clinic: ClinicSettings;
  defaults: ClinicDetail['emergencyDefaults'];
  onSaved: (c: ClinicSettings) => void;
}) {
  const [phrases, setPhrases] = useState(clinic.urgentPhrases ?? defaults.urgentPhrases);
  const [advice, setAdvice] = useState(clinic.emergencyAdvice ?? defaults.advice);
  const save = useSubmit();
  const changes = () => {
    const sent: Record<string, unknown> = {};
    const keptPhrases = clinic.urgentPhrases ?? defaults.urgentPhrases;
    const keptAdvice = clinic.emergencyAdvice ?? defaults.advice;
    if (phrases.trim() !== keptPhrases.trim())
      sent.urgentPhrases = phrases.trim() === defaults.urgentPhrases ? null : phrases;
    if (advice.trim() !== keptAdvice.trim())
      sent.emergencyAdvice = advice.trim() === defaults.advice ? null : advice.trim() || null;
    return sent;
  };

  async function submit(approve: boolean) {
    const sent = { ...changes(), ...(approve ? { emergencyAdviceApproved: true } : {}) };
    if (Object.keys(sent).length === 0) return;
    await save.run(
      async () => onSaved(await api<ClinicSettings>('PATCH', `/api/clinics/${clinic.id}`, sent)),
      approve ? 'Approved.' : 'Saved: approve them when you have read them.',
    );
  }
  const approvedAt = clinic.emergencyAdviceApprovedAt;

  return (
    <form
      className="panel"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void submit(false);
      }}
      aria-label="Urgent phrases and emergency advice"
    >
      <h2>Urgent phrases and emergency advice</h2>
      <p className="note">
        When a caller says one of these phrases at any point of a call, the line gives this advice, then puts them
        through to reception (outside reception hours: the advice again, then voicemail). It is a signpost, not triage:
        a phrase is matched word by word, a word or two apart.
      </p>
      <p role="status">
        {approvedAt
          ? `Approved ${dayOf(approvedAt, clinic)}.`
          : 'Not yet approved: callers already hear these words. Read them, change what you need, and approve them.'}
      </p>
      <label>
        Urgent phrases (one a line)
        <textarea rows={8} value={phrases} onChange={(e) => setPhrases(e.target.value)} />
      </label>
      <label>
        Emergency advice
        <textarea rows={4} maxLength={600} value={advice} onChange={(e) => setAdvice(e.target.value)} />
      </label>
      {save.done && <p role="status">{save.done}</p>}
      <FormEnd error={save.error} busy={save.busy} label="Save phrases and advice" busyLabel="Saving…" />
      <button type="button" disabled={save.busy} onClick={() => void submit(true)}>
        Approve these words
      </button>
    </form>
  );
}
