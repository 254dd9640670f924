import { useEffect, useState } from 'react';
import { api, ApiError, type SessionInfo } from '../api';
import { Live } from './Live';

interface ClinicDetail {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  numbers: string[];
  role: 'owner' | 'receptionist';
}

type Detail = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; clinic: ClinicDetail };

/** The signed-in shell: which clinic, who you are there, and the live screen. */
export function Home({ session, onSignedOut }: { session: SessionInfo; onSignedOut: (s: SessionInfo) => void }) {
  const [clinicId, setClinicId] = useState(session.clinics[0]?.id ?? '');
  const [detail, setDetail] = useState<Detail>({ state: 'loading' });
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    if (!clinicId) return;
    setDetail({ state: 'loading' });
    api<ClinicDetail>('GET', `/api/clinics/${clinicId}`).then(
      (clinic) => setDetail({ state: 'ready', clinic }),
      (err: ApiError) => setDetail({ state: 'error', message: err.message }),
    );
  }, [clinicId]);

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
        <span className="who">{session.user?.email}</span>
        <button onClick={signOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main>
        {session.clinics.length === 0 ? (
          <p>Your account is not a member of any clinic yet. Ask the clinic's owner or your operator to add you.</p>
        ) : detail.state === 'loading' ? (
          <p className="loading" role="status">Loading clinic…</p>
        ) : detail.state === 'error' ? (
          <p role="alert">{detail.message}</p>
        ) : (
          <>
            <section aria-label="Clinic">
              <h1>{detail.clinic.name}</h1>
              <p>
                You are {detail.clinic.role === 'owner' ? 'an owner' : 'a receptionist'} here. Phone {detail.clinic.numbers.join(', ')} · {detail.clinic.timeZone}
              </p>
            </section>
            <Live key={detail.clinic.id} clinic={detail.clinic} />
          </>
        )}
      </main>
    </div>
  );
}
