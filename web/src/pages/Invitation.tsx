import { type FormEvent, useEffect, useState } from 'react';
import { FormEnd } from '../components/FormEnd';
import { api, ApiError } from '../api';
import type { InvitationOffer, JoinedSession, SessionInfo } from '../../../src/contracts/api';

type LinkState = { state: 'checking' } | { state: 'bad'; message: string } | { state: 'ok'; invited: InvitationOffer };

const roleName = (role: InvitationOffer['role']) => (role === 'owner' ? 'an owner' : 'a receptionist');

/** The name typed in a form, or nothing when left empty (the account keeps what it has). */
const nameFrom = (form: FormData) => {
  const name = String(form.get('name') ?? '').trim();
  return name ? { name } : {};
};

/** Your name as colleagues will see it; optional (the email is shown instead). */
function NameField({ initial }: { initial: string | null }) {
  return (
    <label>
      Your name (as colleagues see it)
      <input name="name" maxLength={80} autoComplete="name" defaultValue={initial ?? ''} />
    </label>
  );
}

/**
 * Opened from an invitation link: /invitation#token=… (the token stays out of server logs).
 * Someone new chooses a password; someone with an account signs in as themselves to accept.
 */
export function Invitation({ session, onJoined }: { session: SessionInfo; onJoined: (session: SessionInfo) => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [link, setLink] = useState<LinkState>({ state: 'checking' });
  const [current, setCurrent] = useState(session);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ form: 'new' | 'existing' | 'join'; message: string } | null>(null);

  useEffect(() => {
    if (!token)
      return setLink({
        state: 'bad',
        message: 'This page needs the link you were sent. Open the whole link from your message.',
      });
    api<InvitationOffer>('POST', '/api/invitations/inspect', { token }).then(
      (invited) => setLink({ state: 'ok', invited }),
      (err: ApiError) => setLink({ state: 'bad', message: err.message }),
    );
  }, [token]);

  async function attempt(form: 'new' | 'existing' | 'join', steps: () => Promise<SessionInfo>) {
    setBusy(true);
    setError(null);
    try {
      const joined = await steps();
      window.history.replaceState(null, '', '/');
      onJoined(joined);
    } catch (err) {
      setError({ form, message: (err as ApiError).message });
      setBusy(false);
    }
  }

  function createAccount(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    if (password !== form.get('confirm')) return setError({ form: 'new', message: 'The two passwords are different.' });
    void attempt('new', () =>
      api<JoinedSession>('POST', '/api/invitations/accept', { token, password, ...nameFrom(form) }),
    );
  }

  function signInAndJoin(event: FormEvent<HTMLFormElement>, invitedEmail: string) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    void attempt('existing', async () => {
      await api<SessionInfo>('POST', '/api/session', { email: invitedEmail, password });
      return api<JoinedSession>('POST', '/api/invitations/accept', { token });
    });
  }

  async function signOut() {
    setBusy(true);
    try {
      setCurrent(await api<SessionInfo>('DELETE', '/api/session'));
    } finally {
      setBusy(false);
    }
  }

  if (link.state === 'checking')
    return (
      <p className="loading" role="status">
        Checking your invitation…
      </p>
    );
  if (link.state === 'bad') {
    return (
      <main className="card">
        <h1>Join a clinic</h1>
        <p role="alert">{link.message}</p>
      </main>
    );
  }
  const { invited } = link;
  const expires = new Date(invited.expiresAt).toLocaleString();
  const errorFor = (form: 'new' | 'existing' | 'join') => (error?.form === form ? error.message : null);
  return (
    <main className="card">
      <h1>Join {invited.clinicName}</h1>
      <p>
        {invited.email} is invited to join {invited.clinicName} as {roleName(invited.role)}. The invitation works until{' '}
        {expires}.
      </p>
      {current.user ? (
        current.user.email === invited.email ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const form = new FormData(e.currentTarget);
              void attempt('join', () =>
                api<JoinedSession>('POST', '/api/invitations/accept', { token, ...nameFrom(form) }),
              );
            }}
            aria-label="Accept the invitation"
          >
            <NameField initial={current.user.name ?? invited.name} />
            <FormEnd error={errorFor('join')} busy={busy} label={`Join ${invited.clinicName}`} busyLabel="Joining…" />
          </form>
        ) : (
          <>
            <p role="alert">
              You are signed in as {current.user.email}. This invitation is for {invited.email}: sign out, then accept
              it as them.
            </p>
            <button onClick={() => void signOut()} disabled={busy}>
              Sign out
            </button>
          </>
        )
      ) : (
        <>
          <form onSubmit={createAccount} aria-label="Create your account">
            <h2>New here? Choose a password</h2>
            <NameField initial={invited.name} />
            <p className="note">At least 12 characters; a short sentence is easy to remember.</p>
            <label>
              New password
              <input name="password" type="password" autoComplete="new-password" minLength={12} required />
            </label>
            <label>
              The same again
              <input name="confirm" type="password" autoComplete="new-password" minLength={12} required />
            </label>
            <FormEnd error={errorFor('new')} busy={busy} label="Create my account and join" busyLabel="Joining…" />
          </form>
          <form onSubmit={(e) => signInAndJoin(e, invited.email)} aria-label="Sign in to accept">
            <h2>Already have an account for {invited.email}?</h2>
            <label>
              Your password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
            <FormEnd error={errorFor('existing')} busy={busy} label="Sign in and join" busyLabel="Joining…" />
          </form>
        </>
      )}
    </main>
  );
}
