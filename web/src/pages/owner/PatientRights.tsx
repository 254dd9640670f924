import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { ErasurePreview } from '../../../../src/contracts/api';

/** The owner's duties towards one patient: export what is held, or erase it after seeing what will go. */
export default function PatientRights({
  clinicId,
  patientId,
  onErased,
}: {
  clinicId: string;
  patientId: string;
  onErased: () => void;
}) {
  const url = `/api/clinics/${clinicId}/patients/${patientId}`;
  const [preview, setPreview] = useState<ErasurePreview | null>(null);
  const [typed, setTyped] = useState('');
  const load = useSubmit();
  const erase = useSubmit();

  async function erasure(e: FormEvent) {
    e.preventDefault();
    if (await erase.run(() => api('DELETE', url, { confirmName: typed }), 'Erased.')) onErased();
  }

  return (
    <section aria-label="Data protection">
      <h3>Data protection</h3>
      <p className="row">
        <a href={`${url}/export`} download>
          Export (JSON)
        </a>
        <a href={`${url}/export.zip`} download>
          Export with recordings (zip)
        </a>
        {!preview && (
          <button
            className="danger"
            disabled={load.busy}
            onClick={() => load.run(async () => setPreview(await api<ErasurePreview>('GET', `${url}/erasure`)), '')}
          >
            Erase this patient…
          </button>
        )}
      </p>
      {load.error && <p role="alert">{load.error}</p>}
      {preview && (
        <form className="panel" onSubmit={erasure} aria-label="Erase this patient">
          <p>
            Erasing removes {preview.name}'s profile, {preview.appointments} appointments, {preview.waitlistEntries}{' '}
            waiting-list entries
            {preview.phoneSharedWithOtherPatients
              ? '. Their phone number is shared with another patient, so calls from it stay.'
              : `, the caller details of ${preview.calls} calls, ${preview.recordings} recordings (here and at Twilio) and ${preview.textMessages} texts.`}{' '}
            This cannot be undone.
          </p>
          {preview.heldRecordings > 0 && (
            <p role="alert">{preview.heldRecordings} recordings are on legal hold: lift the hold first.</p>
          )}
          <label>
            Type the patient's name to confirm
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </label>
          <FormEnd error={erase.error} busy={erase.busy} label="Erase for good" busyLabel="Erasing…" />
          <button type="button" className="link" onClick={() => setPreview(null)}>
            Cancel
          </button>
        </form>
      )}
    </section>
  );
}
