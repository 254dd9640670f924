import { type FormEvent, useState } from 'react';
import { api, type ApiError } from '../api';
import type { SessionInfo } from '../../../src/contracts/api';

/**
 * Who is signed in, in the header: their name (else email), which they can set or
 * correct here — it is what colleagues see on call-backs, the staff list and the audit log.
 */
export function YourName({
  user,
  onChanged,
}: {
  user: NonNullable<SessionInfo['user']>;
  onChanged: (session: SessionInfo) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(user.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<SessionInfo>('PATCH', '/api/session/profile', { name }));
      setEditing(false);
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }

  if (!editing)
    return (
      <span className="who">
        {user.name ?? user.email}{' '}
        <button
          className="link"
          onClick={() => {
            setName(user.name ?? '');
            setEditing(true);
          }}
        >
          {user.name ? 'Change your name' : 'Add your name'}
        </button>
      </span>
    );
  return (
    <form
      className="who"
      style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}
      onSubmit={save}
      aria-label="Your name"
    >
      <label>
        Your name
        <input
          value={name}
          maxLength={80}
          required
          autoFocus
          autoComplete="name"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="secondary" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
