import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError, type Load, loadInto } from '../../api';
import { DateField } from '../../components/DateField';
import { Loaded } from '../../components/Loaded';
import { dayAndTime, dayOf, timeOf } from '../../format/dates';
import type {
  AuditCategory,
  AuditEntryView,
  AuditPage,
  ClinicSummary,
  StaffList,
  StaffMember,
} from '../../../../src/contracts/api';
import { TableScroll } from '../../components/TableScroll';

const CATEGORIES: Array<[AuditCategory | '', string]> = [
  ['', 'Everything'],
  ['appointments', 'Appointments'],
  ['calls', 'Calls and call-backs'],
  ['recordings', 'Recordings (listened to, downloaded, held, deleted)'],
  ['patients', 'Patients (registered, changed, exported, erased)'],
  ['settings', 'Settings and diary set-up'],
  ['staff', 'Staff and roles'],
  ['sign_ins', 'Sign-ins'],
];

type Filters = { category: string; actor: string; from: string; to: string };
const NO_FILTERS: Filters = { category: '', actor: '', from: '', to: '' };

/** Who did what to whom, and when, in words: listens, downloads, exports, erasures, bookings, settings, staff, sign-ins. */
export function AuditLog({ clinic }: { clinic: ClinicSummary }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState<Load<{ entries: AuditEntryView[]; next: string | null }>>({ state: 'loading' });
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [problem, setProblem] = useState('');
  const base = `/api/clinics/${clinic.id}/audit`;
  const chosen = useCallback(
    () => Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Record<string, string>,
    [filters],
  );
  const load = useCallback(() => {
    setPage({ state: 'loading' });
    setProblem('');
    loadInto(api<AuditPage>('GET', `${base}?${new URLSearchParams({ ...chosen(), limit: '100' })}`), setPage, (r) => ({
      entries: r.entries,
      next: r.nextBefore,
    }));
  }, [base, chosen]);
  useEffect(load, [load]);
  useEffect(() => {
    api<StaffList>('GET', `/api/clinics/${clinic.id}/staff`).then(
      (r) => setStaff(r.staff),
      () => setStaff([]), // the filter offers "Everyone" only; the log itself still loads
    );
  }, [clinic.id]);

  async function more() {
    if (page.state !== 'ready' || !page.value.next) return;
    try {
      const r = await api<AuditPage>(
        'GET',
        `${base}?${new URLSearchParams({ ...chosen(), limit: '100', before: page.value.next })}`,
      );
      setPage({ state: 'ready', value: { entries: [...page.value.entries, ...r.entries], next: r.nextBefore } });
    } catch (err) {
      setProblem((err as ApiError).message);
    }
  }
  /** "Mon 7 Dec 2026, 14:05", or for a row of several sign-ins "Mon 7 Dec 2026, 08:58–17:40". */
  const when = (e: AuditEntryView) =>
    e.count > 1
      ? `${dayOf(e.at, clinic)}, ${timeOf(e.firstAt, clinic)}–${timeOf(e.at, clinic)}`
      : dayAndTime(e.at, clinic);
  const set = (change: Partial<Filters>) => setFilters({ ...filters, ...change });

  return (
    <section aria-label="Audit" className="stack">
      <form className="row" aria-label="Audit filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Person
          <select value={filters.actor} onChange={(e) => set({ actor: e.target.value })}>
            <option value="">Everyone</option>
            {staff.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          What
          <select value={filters.category} onChange={(e) => set({ category: e.target.value })}>
            {CATEGORIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <DateField label="From" value={filters.from} locale={clinic.locale} onChange={(from) => set({ from })} />
        <DateField label="To" value={filters.to} locale={clinic.locale} onChange={(to) => set({ to })} />
        {Object.values(filters).some(Boolean) && (
          <button type="button" className="secondary" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
        )}
      </form>
      <p>
        <a href={`${base}.csv?${new URLSearchParams(chosen())}`} download>
          Download these entries as CSV
        </a>{' '}
        <span className="note">(every entry, one a line, times in {clinic.timeZone} with their UTC offset)</span>
      </p>
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={page} loading="Loading the audit log…" retry={load}>
        {(p) =>
          p.entries.length === 0 ? (
            <p className="empty">Nothing recorded for these filters.</p>
          ) : (
            <>
              <TableScroll label="Audit log">
                <table aria-label="Audit log">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">What</th>
                      <th scope="col">About</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.entries.map((e) => (
                      <tr key={e.id}>
                        <td>{when(e)}</td>
                        <td>{e.who}</td>
                        <td>{e.what}</td>
                        <td>{e.about ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {p.next && <button onClick={more}>Older entries</button>}
            </>
          )
        }
      </Loaded>
    </section>
  );
}
