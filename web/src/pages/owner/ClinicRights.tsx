import { type FormEvent, useState } from 'react';
import { api, ApiError } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { useSubmit } from '../../components/useSubmit';
import type { ClinicSummary } from '../../../../src/contracts/api';

/** The clinic's own data: download all of it; close the clinic and erase everything. */
export function ClinicRights({ clinic }: { clinic: ClinicSummary }) {
  const base = `/api/clinics/${clinic.id}`;
  const [closing, setClosing] = useState(false);
  const [typed, setTyped] = useState('');
  // Set once the server says recordings are on legal hold: only then is destroying them offered.
  const [holds, setHolds] = useState(false);
  const [destroyHeld, setDestroyHeld] = useState(false);
  const close = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = holds ? { confirmName: typed, destroyHeldRecordings: destroyHeld } : { confirmName: typed };
    const closed = await close.run(async () => {
      try {
        await api('DELETE', base, body);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'legal_hold') setHolds(true);
        throw err;
      }
    }, 'Closed.');
    if (closed) window.location.assign('/');
  }
  return (
    <section className="panel" aria-label="The clinic's data">
      <h2>The clinic's data</h2>
      <p>
        <a href={`${base}/export.zip`} download>
          Download all of the clinic's data
        </a>{' '}
        <span className="note">(a zip: one JSON file, and a CSV per table)</span>
      </p>
      {!closing ? (
        <button className="danger" onClick={() => setClosing(true)}>
          Close the clinic…
        </button>
      ) : (
        <form onSubmit={submit} aria-label="Close the clinic">
          <p>
            Closing erases everything the service holds for {clinic.name} — patients, diary, calls, recordings (here and
            at Twilio), statistics, the audit log — and destroys the clinic's encryption key. Backups your operator took
            before keep a copy until they are deleted. Download the data first if you need it. This cannot be undone.
          </p>
          <label>
            Type the clinic's name to confirm
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </label>
          {holds && (
            <label className="inline">
              <input type="checkbox" checked={destroyHeld} onChange={(e) => setDestroyHeld(e.target.checked)} />
              Destroy the recordings under legal hold too (the closure is recorded as overriding the holds)
            </label>
          )}
          <FormEnd error={close.error} busy={close.busy} label="Close and erase everything" busyLabel="Closing…" />
          <button type="button" className="link" onClick={() => setClosing(false)}>
            Cancel
          </button>
        </form>
      )}
    </section>
  );
}
