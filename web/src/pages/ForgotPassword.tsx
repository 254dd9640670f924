import { type FormEvent, useState } from 'react';
import { FormEnd } from '../components/FormEnd';
import { api } from '../api';
import { useFocusOnOpen } from '../components/useFocusOnOpen';
import { useSubmit } from '../components/useSubmit';
import { PageLink } from '../components/PageLink';
import type { PasswordResetAsked } from '../../../src/contracts/api';

/** What to do without email: only the operator can give a set-password link. */
export const ASK_FOR_A_LINK =
  "Ask your clinic's owner: the service's operator can give you a link to set a new password.";

const BackToSignIn = () => (
  <p>
    <PageLink to="/sign-in">Back to sign in</PageLink>
  </p>
);

/** What happens next. The form is gone: the keyboard and a screen reader carry on from here. */
function Sent({ email }: { email: string }) {
  const said = useFocusOnOpen<HTMLParagraphElement>();
  return (
    <main className="card">
      <h1>Check your email</h1>
      <p tabIndex={-1} ref={said}>
        If {email} has an account here, a link to choose a new password is on its way to it. The link works once, for 72
        hours; your current password keeps working until you use it.
      </p>
      <p className="note">Nothing after a few minutes? Look in your spam folder, or check the address and ask again.</p>
      <BackToSignIn />
    </main>
  );
}

/**
 * "Forgot your password?", opened from the sign-in page: the email in, a one-time
 * set-password link out by email. The server answers the same whether or not the
 * email has an account, so the page says what happens if it does.
 */
export function ForgotPassword({ sendsEmail }: { sendsEmail: boolean }) {
  const { busy, error, run } = useSubmit();
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    if (!(await run(() => api<PasswordResetAsked>('POST', '/api/session/forgot-password', { email })))) return;
    setSentTo(email);
  }

  if (!sendsEmail)
    return (
      <main className="card">
        <h1>Forgot your password?</h1>
        <p>This service does not send email, so it cannot send you a link. {ASK_FOR_A_LINK}</p>
        <BackToSignIn />
      </main>
    );
  if (sentTo !== null) return <Sent email={sentTo} />;
  return (
    <main className="card">
      <h1>Forgot your password?</h1>
      <p>Give the email you sign in with. If it has an account here, we email it a link to choose a new password.</p>
      {/* The server's answer names the field as this form labels it ("Email: must be an email address"). */}
      <form onSubmit={submit} aria-label="Forgot password" noValidate>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <FormEnd error={error} busy={busy} label="Email me a link" busyLabel="Sending…" />
      </form>
      <BackToSignIn />
    </main>
  );
}
