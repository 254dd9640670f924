// What a new clinic still has to set up before its line serves callers (GET …/setup,
// src/clinics/setup-checklist.ts), at the top of an owner's screens until all of it is
// done. Checked again on moving between screens, when the window comes back into
// focus, and on the live events that can tick an item (a first call, someone taking calls).
import { useCallback, useEffect, useId, useState } from 'react';
import { api, type ApiError, type Load } from '../../api';
import { useLiveEvents } from '../../live/context';
import { navigate, usePath } from '../../router';
import type { ClinicSummary, SetupChecklist as Checklist } from '../../../../src/contracts/api';

/** Opens Settings at a section (found by its name, once Settings has loaded it). */
function openSettingsAt(section: string) {
  navigate('/settings');
  // The section is named by its aria-label; where Settings wraps it in an anchor, that is what takes focus.
  const find = () => {
    const named = document.querySelector<HTMLElement>(`[aria-label="${CSS.escape(section)}"]`);
    return named?.closest<HTMLElement>('.section-anchor') ?? named;
  };
  const reveal = (el: HTMLElement) => {
    el.scrollIntoView({ block: 'start' });
    if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
    el.focus({ preventScroll: true });
  };
  const now = find();
  if (now) return reveal(now);
  const watch = new MutationObserver(() => {
    const el = find();
    if (!el) return;
    watch.disconnect();
    reveal(el);
  });
  watch.observe(document.body, { childList: true, subtree: true });
  // Settings failed to load, or the owner moved on: stop looking.
  setTimeout(() => watch.disconnect(), 10_000);
}

/** The set-up checklist for owners; nothing for anyone else, nor once every item is done. */
export function SetupChecklist({ clinic }: { clinic: ClinicSummary }) {
  return clinic.role === 'owner' ? <OwnersChecklist clinicId={clinic.id} /> : null;
}

function OwnersChecklist({ clinicId }: { clinicId: string }) {
  const [list, setList] = useState<Load<Checklist>>({ state: 'loading' });
  const path = usePath();
  const headingId = useId();

  const check = useCallback(() => {
    let latest = true;
    api<Checklist>('GET', `/api/clinics/${clinicId}/setup`).then(
      (value) => latest && setList({ state: 'ready', value }),
      // A failed re-check keeps the list already shown.
      (err: ApiError) => latest && setList((l) => (l.state === 'ready' ? l : { state: 'error', message: err.message })),
    );
    return () => {
      latest = false;
    };
  }, [clinicId]);
  useEffect(() => check(), [check, path]);
  useEffect(() => {
    const onFocus = () => check();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [check]);
  const open = list.state !== 'ready' || !list.value.done;
  useLiveEvents(
    (e) => {
      if (open && (e.name === 'call.ringing' || e.name === 'call.ended' || e.name === 'staff.presence')) check();
    },
    () => open && check(),
  );

  if (list.state === 'loading')
    return (
      <p role="status" className="note">
        Checking what is left to set up…
      </p>
    );
  if (list.state === 'error')
    return (
      <p role="alert">
        Could not check your clinic's set-up: {list.message}{' '}
        <button
          onClick={() => {
            setList({ state: 'loading' });
            check();
          }}
        >
          Try again
        </button>
      </p>
    );
  if (list.value.done) return null;
  const { items } = list.value;
  return (
    <section className="panel setup-checklist" aria-labelledby={headingId}>
      <h2 id={headingId}>Set-up checklist</h2>
      <p className="note">
        {items.filter((i) => i.done).length} of {items.length} done. Until everything is, some callers are not served;
        this list goes away when it is.
      </p>
      <ol>
        {items.map((item) => (
          <li key={item.key} className={item.done ? 'done' : 'todo'}>
            <span className="mark">{item.done ? '✓ Done:' : 'To do:'}</span> <strong>{item.title}</strong>.{' '}
            {item.detail}
            {!item.done && item.settingsSection && (
              <>
                {' '}
                Settings →{' '}
                <a
                  href="/settings"
                  onClick={(e) => {
                    e.preventDefault();
                    openSettingsAt(item.settingsSection!);
                  }}
                >
                  {item.settingsSection}
                </a>
              </>
            )}
          </li>
        ))}
      </ol>
      <button type="button" className="link" onClick={() => check()}>
        Check again
      </button>
    </section>
  );
}
