import { type FormEvent, useState } from 'react';
import { FormEnd } from '../components/FormEnd';
import { api, ApiError } from '../api';
import { PageLink } from '../components/PageLink';
import { ASK_FOR_A_LINK } from './ForgotPassword';
import type { SessionInfo } from '../../../src/contracts/api';

export function SignIn({
  onSignedIn,
  sendsEmail,
}: {
  onSignedIn: (session: SessionInfo) => void;
  /** Whether "Forgot your password?" can email a link; without email it says whom to ask. */
  sendsEmail: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSignedIn(
        await api<SessionInfo>('POST', '/api/session', { email: form.get('email'), password: form.get('password') }),
      );
    } catch (err) {
      setError((err as ApiError).message);
      setBusy(false);
    }
  }

  return (
    <main className="card">
      <h1>Clinic phone line</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <FormEnd error={error} busy={busy} label="Sign in" busyLabel="Signing in…" />
      </form>
      {sendsEmail ? (
        <p>
          <PageLink to="/forgot-password">Forgot your password?</PageLink>
        </p>
      ) : (
        <p className="note">Forgot your password? {ASK_FOR_A_LINK}</p>
      )}
    </main>
  );
}
