import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError, type Load, loadInto } from '../../api';
import { CopyField } from '../../components/CopyField';
import { Loaded } from '../../components/Loaded';
import type { CalendarFeedList, CalendarFeedView } from '../../../../src/contracts/api';

/** Secret calendar links for the whole clinic and each practitioner: copy, patients' initials or full names, regenerate. */
export function CalendarLinks({ base }: { base: string }) {
  const [feeds, setFeeds] = useState<Load<CalendarFeedView[]>>({ state: 'loading' });
  const [problem, setProblem] = useState('');
  const [notice, setNotice] = useState('');
  const load = useCallback(
    () => loadInto(api<CalendarFeedList>('GET', `${base}/calendar-feeds`), setFeeds, (r) => r.feeds),
    [base],
  );
  useEffect(load, [load]);

  async function act(feed: CalendarFeedView, action: () => Promise<unknown>, done: string) {
    setProblem('');
    setNotice('');
    try {
      await action();
      setNotice(done);
      load();
    } catch (err) {
      setProblem((err as ApiError).message);
    }
  }
  const label = (f: CalendarFeedView) => f.practitionerName ?? 'Whole clinic';
  const regenerate = (f: CalendarFeedView) => {
    if (window.confirm(`Make a new link for ${label(f)}? Calendars subscribed to the old link stop updating.`)) {
      void act(
        f,
        () => api('POST', `${base}/calendar-feeds/${f.id}/regenerate`, {}),
        `${label(f)}: new link made; the old one no longer works.`,
      );
    }
  };

  return (
    <section className="panel" aria-label="Calendar links">
      <h2>Calendar links</h2>
      <p className="note">
        Anyone with a link can read that diary: share it only with the person it is for. Patients appear by initials
        unless full names are turned on.
      </p>
      {problem && <p role="alert">{problem}</p>}
      {notice && <p role="status">{notice}</p>}
      <Loaded load={feeds} loading="Loading…" retry={load}>
        {(list) => (
          <ul className="cards">
            {list.map((f) => (
              <li key={f.id} className="card-row">
                <strong>{label(f)}</strong>
                <label className="inline">
                  <input
                    type="checkbox"
                    checked={f.showFullNames}
                    onChange={(e) =>
                      act(
                        f,
                        () => api('PATCH', `${base}/calendar-feeds/${f.id}`, { showFullNames: e.target.checked }),
                        `${label(f)}: ${e.target.checked ? 'full names' : 'initials'}.`,
                      )
                    }
                  />{' '}
                  Full names
                </label>
                <button onClick={() => regenerate(f)}>Regenerate</button>
                <div className="detail">
                  <CopyField label={`Calendar link: ${label(f)}`} value={f.url} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
