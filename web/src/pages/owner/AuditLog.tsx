import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError, type Load, loadInto } from '../../api';
import { Loaded } from '../../components/Loaded';
import { timeIn } from '../../live/format';
import type { AuditEntryView, AuditPage, ClinicSummary } from '../../../../src/contracts/api';

const ACTIONS = [
  ['', 'Everything'],
  ['recording.', 'Recordings listened to, downloaded, held'],
  ['patient.', 'Patients exported or erased'],
  ['clinic.', 'Clinic settings, exports'],
  ['staff.', 'Staff and roles'],
  ['session.', 'Sign-ins'],
  ['retention.', 'Retention purges'],
] as const;

/** Counts and field names, as words: "calls 2 · recordings 1". */
const detailsText = (details: unknown): string =>
  typeof details === 'object' && details !== null
    ? Object.entries(details)
        .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()} ${Array.isArray(v) ? v.join(', ') : String(v)}`)
        .join(' · ')
    : String(details);

/** Who did what: listens, downloads, exports, erasures, settings and role changes, sign-ins. */
export function AuditLog({ clinic }: { clinic: ClinicSummary }) {
  const [filters, setFilters] = useState({ action: '', from: '', to: '' });
  const [page, setPage] = useState<Load<{ entries: AuditEntryView[]; next: string | null }>>({ state: 'loading' });
  const [problem, setProblem] = useState('');
  const query = useCallback(
    (extra: Record<string, string> = {}) =>
      new URLSearchParams({
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
        limit: '100',
        ...extra,
      }),
    [filters],
  );
  const load = useCallback(
    () =>
      loadInto(api<AuditPage>('GET', `/api/clinics/${clinic.id}/audit?${query()}`), setPage, (r) => ({
        entries: r.entries,
        next: r.nextBefore,
      })),
    [clinic.id, query],
  );
  useEffect(load, [load]);

  async function more() {
    if (page.state !== 'ready' || !page.value.next) return;
    try {
      const r = await api<AuditPage>('GET', `/api/clinics/${clinic.id}/audit?${query({ before: page.value.next })}`);
      setPage({ state: 'ready', value: { entries: [...page.value.entries, ...r.entries], next: r.nextBefore } });
    } catch (err) {
      setProblem((err as ApiError).message);
    }
  }
  const who = (e: AuditEntryView) =>
    e.actor.type === 'user'
      ? (e.actor.email ?? 'a former member of staff')
      : e.actor.type === 'operator'
        ? 'the operator'
        : 'the service';

  return (
    <section aria-label="Audit">
      <div className="row">
        <label>
          What
          <select value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })}>
            {ACTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
        </label>
      </div>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={page} loading="Loading the audit log…" retry={load}>
        {(p) =>
          p.entries.length === 0 ? (
            <p className="empty">Nothing recorded for these filters.</p>
          ) : (
            <>
              <table aria-label="Audit log">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>What</th>
                    <th>About</th>
                  </tr>
                </thead>
                <tbody>
                  {p.entries.map((e) => (
                    <tr key={e.id}>
                      <td>{timeIn(e.at, clinic.timeZone, clinic.locale)}</td>
                      <td>{who(e)}</td>
                      <td>{e.action}</td>
                      <td className="note">
                        {e.subject ? `${e.subject.type} ${e.subject.id?.slice(0, 8) ?? ''}` : ''}
                        {e.details ? ` · ${detailsText(e.details)}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {p.next && <button onClick={more}>Older entries</button>}
            </>
          )
        }
      </Loaded>
    </section>
  );
}
