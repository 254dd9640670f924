import { type FormEvent, useState } from 'react';
import { FormEnd } from '../components/FormEnd';
import { api, ApiError } from '../api';
import type { SessionInfo } from '../../../src/contracts/api';

export function SignIn({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
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
    </main>
  );
}
