import { type FormEvent, useEffect, useState } from 'react';
import { api, type Load, loadInto } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { Loaded } from '../../components/Loaded';
import { useSubmit } from '../../components/useSubmit';
import type { BookingRules as Rules } from '../../../../src/contracts/api';

/** How soon and how far ahead callers may book by phone. */
export function BookingRules({ base }: { base: string }) {
  const [rules, setRules] = useState<Load<Rules>>({ state: 'loading' });
  const [form, setForm] = useState({ minNoticeMinutes: '', horizonDays: '' });
  const save = useSubmit();
  useEffect(() => loadInto(api<Rules>('GET', `${base}/booking-rules`), setRules, (r) => r), [base]);
  useEffect(() => {
    if (rules.state === 'ready')
      setForm({ minNoticeMinutes: String(rules.value.minNoticeMinutes), horizonDays: String(rules.value.horizonDays) });
  }, [rules]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    await save.run(async () =>
      setRules({
        state: 'ready',
        value: await api<Rules>('PATCH', `${base}/booking-rules`, {
          minNoticeMinutes: Number(form.minNoticeMinutes),
          horizonDays: Number(form.horizonDays),
        }),
      }),
    );
  }
  return (
    <form className="panel" onSubmit={submit} aria-label="Booking rules">
      <h2>Booking rules</h2>
      <Loaded load={rules} loading="Loading…">
        {() => (
          <>
            <div className="row">
              <label>
                Notice for phone bookings (minutes)
                <input
                  type="number"
                  min={0}
                  max={10080}
                  value={form.minNoticeMinutes}
                  onChange={(e) => setForm({ ...form, minNoticeMinutes: e.target.value })}
                />
              </label>
              <label>
                Bookable up to (days ahead)
                <input
                  type="number"
                  min={1}
                  max={730}
                  value={form.horizonDays}
                  onChange={(e) => setForm({ ...form, horizonDays: e.target.value })}
                />
              </label>
            </div>
            {save.done && <p role="status">{save.done}</p>}
            <FormEnd error={save.error} busy={save.busy} label="Save booking rules" busyLabel="Saving…" />
          </>
        )}
      </Loaded>
    </form>
  );
}
