import { type FormEvent, useEffect, useState } from 'react';
import { FormEnd } from '../components/FormEnd';
import { api, ApiError } from '../api';
import type { PasswordLinkView, SessionInfo } from '../../../src/contracts/api';

type LinkState =
  { state: 'checking' } | { state: 'bad'; message: string } | { state: 'ok'; email: string; name: string | null };

/** Opened from a one-time link: /set-password#token=… (the token stays out of server logs). */
export function SetPassword({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [link, setLink] = useState<LinkState>({ state: 'checking' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!token)
      return setLink({
        state: 'bad',
        message: 'This page needs the link you were sent. Open the whole link from your message.',
      });
    // The app fetched the session (and its CSRF token) before this page opened.
    api<PasswordLinkView>('POST', '/api/password-links/inspect', { token }).then(
      ({ email, name }) => setLink({ state: 'ok', email, name }),
      (err: ApiError) => setLink({ state: 'bad', message: err.message }),
    );
  }, [token]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password !== form.get('confirm')) return setError('The two passwords are different.');
    const name = String(form.get('name') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const session = await api<SessionInfo>('POST', '/api/password-links/use', {
        token,
        password,
        ...(name ? { name } : {}),
      });
      window.history.replaceState(null, '', '/');
      onSignedIn(session);
    } catch (err) {
      setError((err as ApiError).message);
      setBusy(false);
    }
  }

  if (link.state === 'checking')
    return (
      <p className="loading" role="status">
        Checking your link…
      </p>
    );
  if (link.state === 'bad') {
    return (
      <main className="card">
        <h1>Set your password</h1>
        <p role="alert">{link.message}</p>
      </main>
    );
  }
  return (
    <main className="card">
      <h1>Set your password</h1>
      <p>For {link.email}. At least 12 characters; a short sentence is easy to remember.</p>
      <form onSubmit={submit} aria-label="Set password">
        <label>
          New password
          <input name="password" type="password" autoComplete="new-password" minLength={12} required autoFocus />
        </label>
        <label>
          The same again
          <input name="confirm" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        <label>
          Your name (as colleagues see it; optional)
          <input name="name" maxLength={80} autoComplete="name" defaultValue={link.name ?? ''} />
        </label>
        <FormEnd error={error} busy={busy} label="Set password and sign in" busyLabel="Saving…" />
      </form>
    </main>
  );
}
