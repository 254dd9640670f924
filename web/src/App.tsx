import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../src/contracts/api';
import { ApiError, fetchSession } from './api';
import { Home } from './pages/Home';
import { ForgotPassword } from './pages/ForgotPassword';
import { Invitation } from './pages/Invitation';
import { SetPassword } from './pages/SetPassword';
import { SignIn } from './pages/SignIn';
import { navigate, usePath } from './router';

/** Pages for someone not signed in (yet): a link they were sent, or asking for one. */
const OPEN_TO_ALL = new Set(['/set-password', '/invitation', '/forgot-password']);

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; session: SessionInfo };

export function App() {
  const path = usePath();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  const reload = useCallback(() => {
    setLoaded({ state: 'loading' });
    fetchSession().then(
      (session) => setLoaded({ state: 'ready', session }),
      (err: ApiError) => setLoaded({ state: 'error', message: err.message }),
    );
  }, []);
  useEffect(reload, [reload]);

  const signedIn = loaded.state === 'ready' && loaded.session.user !== null;
  useEffect(() => {
    if (loaded.state !== 'ready' || OPEN_TO_ALL.has(path)) return;
    if (!signedIn && path !== '/sign-in') navigate('/sign-in');
    if (signedIn && path === '/sign-in') navigate('/');
  }, [loaded, path, signedIn]);

  if (loaded.state === 'loading')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  if (loaded.state === 'error') {
    return (
      <main className="card">
        <p role="alert">{loaded.message}</p>
        <button onClick={reload}>Try again</button>
      </main>
    );
  }
  const onSession = (session: SessionInfo) => {
    setLoaded({ state: 'ready', session });
    navigate('/');
  };
  if (path === '/set-password') return <SetPassword onSignedIn={onSession} />;
  if (path === '/invitation') return <Invitation session={loaded.session} onJoined={onSession} />;
  if (path === '/forgot-password') return <ForgotPassword sendsEmail={loaded.session.sendsEmail} />;
  if (!loaded.session.user) return <SignIn onSignedIn={onSession} sendsEmail={loaded.session.sendsEmail} />;
  // A new set of clinics (one left, one joined) starts the screens afresh.
  return (
    <Home
      key={loaded.session.clinics.map((c) => c.id).join()}
      session={loaded.session}
      onSignedOut={(s) => setLoaded({ state: 'ready', session: s })}
    />
  );
}
