import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { api, ApiError, fetchSession } from '../api';
import type { ClinicDetail, SessionInfo } from '../../../src/contracts/api';
import { ClinicTimeProvider } from '../format/clinic-time';
import { LiveProvider } from '../live/context';
import { PhoneBar } from '../live/PhoneBar';
import { PhoneProvider } from '../live/phone';
import type { LiveState } from '../live/socket';
import { navigate, usePath } from '../router';
import { Calls } from './Calls';
import { Diary } from './Diary';
import { Live } from './Live';
import { Patients } from './Patients';
import { Simulator } from './Simulator';
import { WaitingList } from './WaitingList';
import { YourName } from '../components/YourName';

const OwnerScreens = lazy(() => import('./owner/OwnerScreens'));

const SCREENS = [
  { path: '/', label: 'Live', owner: false },
  { path: '/diary', label: 'Diary', owner: false },
  { path: '/patients', label: 'Patients', owner: false },
  { path: '/waiting-list', label: 'Waiting list', owner: false },
  { path: '/calls', label: 'Calls', owner: false },
  { path: '/simulator', label: 'Phone simulator', owner: false, simulator: true },
  { path: '/statistics', label: 'Statistics', owner: true },
  { path: '/settings', label: 'Settings', owner: true },
  { path: '/staff', label: 'Staff', owner: true },
  { path: '/audit', label: 'Audit', owner: true },
];

type Detail = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; clinic: ClinicDetail };

/** The signed-in shell: which clinic, who you are there, and the live screen. */
export function Home({ session, onSignedOut }: { session: SessionInfo; onSignedOut: (s: SessionInfo) => void }) {
  const [clinicId, setClinicId] = useState(session.clinics[0]?.id ?? '');
  const [detail, setDetail] = useState<Detail>({ state: 'loading' });
  const [signingOut, setSigningOut] = useState(false);
  const [live, setLive] = useState<LiveState>('connecting');
  const path = usePath();
  const role = detail.state === 'ready' ? detail.clinic.role : 'receptionist';
  // A receptionist is never shown an owner's screen, even at its address.
  const simulator = detail.state === 'ready' && detail.clinic.simulator === true;
  const screens = SCREENS.filter((s) => (!s.owner || role === 'owner') && (!('simulator' in s) || simulator));
  const screen = screens.find((s) => s.path === path) ?? screens[0]!;

  useEffect(() => {
    if (!clinicId) return;
    setDetail({ state: 'loading' });
    api<ClinicDetail>('GET', `/api/clinics/${clinicId}`).then(
      (clinic) => setDetail({ state: 'ready', clinic }),
      (err: ApiError) => setDetail({ state: 'error', message: err.message }),
    );
  }, [clinicId]);

  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  // The server ended the live connection: signed out elsewhere, or removed by an owner. Find out which.
  useEffect(() => {
    if (live !== 'ended') return;
    fetchSession().then(
      (s) => {
        if (!s.user || !s.clinics.some((c) => c.id === clinicId)) signedOut.current(s);
      },
      () => undefined,
    );
  }, [live, clinicId]);

  async function signOut() {
    setSigningOut(true);
    try {
      onSignedOut(await api<SessionInfo>('DELETE', '/api/session'));
    } catch {
      setSigningOut(false);
    }
  }

  return (
    <div className="shell">
      <header>
        <strong>Clinic phone line</strong>
        {session.clinics.length > 1 && (
          <select aria-label="Clinic" value={clinicId} onChange={(e) => setClinicId(e.target.value)}>
            {session.clinics.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        {session.user && <YourName user={session.user} onChanged={onSignedOut} />}
        <button onClick={signOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main>
        {session.clinics.length === 0 ? (
          <p>Your account is not a member of any clinic yet. Ask the clinic's owner or your operator to add you.</p>
        ) : detail.state === 'loading' ? (
          <p className="loading" role="status">
            Loading clinic…
          </p>
        ) : detail.state === 'error' ? (
          <p role="alert">{detail.message}</p>
        ) : (
          <>
            <section aria-label="Clinic">
              <h1>{detail.clinic.name}</h1>
              <p>
                You are {detail.clinic.role === 'owner' ? 'an owner' : 'a receptionist'} here. Phone{' '}
                {detail.clinic.numbers.join(', ')} · {detail.clinic.timeZone}
              </p>
            </section>
            <ClinicTimeProvider clinic={detail.clinic}>
              <LiveProvider key={detail.clinic.id} clinicId={detail.clinic.id} onState={setLive}>
                {live === 'ended' && (
                  <p className="banner" role="status">
                    The live connection was closed by the server.{' '}
                    <button onClick={() => window.location.reload()}>Reload</button>
                  </p>
                )}
                {live === 'reconnecting' && (
                  <p className="banner" role="status">
                    Reconnecting… Calls keep coming in; the screen catches up when the connection is back.
                  </p>
                )}
                <nav aria-label="Screens" className="tabs">
                  {screens.map((s) => (
                    <a
                      key={s.path}
                      href={s.path}
                      aria-current={screen.path === s.path ? 'page' : undefined}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(s.path);
                      }}
                    >
                      {s.label}
                    </a>
                  ))}
                </nav>
                <PhoneProvider>
                  {screen.path !== '/' && <PhoneBar />}
                  {screen.path === '/' && <Live clinic={detail.clinic} me={session.user?.id} />}
                  {screen.path === '/diary' && <Diary clinic={detail.clinic} />}
                  {screen.path === '/patients' && <Patients clinic={detail.clinic} />}
                  {screen.path === '/waiting-list' && <WaitingList clinic={detail.clinic} />}
                  {screen.path === '/calls' && <Calls clinic={detail.clinic} me={session.user?.id} />}
                  {screen.path === '/simulator' && <Simulator clinic={detail.clinic} />}
                  {screen.owner && (
                    <Suspense fallback={<p role="status">Loading…</p>}>
                      <OwnerScreens screen={screen.path} clinic={detail.clinic} me={session.user?.id} />
                    </Suspense>
                  )}
                </PhoneProvider>
              </LiveProvider>
            </ClinicTimeProvider>
          </>
        )}
      </main>
    </div>
  );
}
