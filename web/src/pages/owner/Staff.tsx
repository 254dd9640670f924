import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { Loaded } from '../../components/Loaded';
import { CopyField } from '../../components/CopyField';
import type { ClinicView } from '../Live';

type Role = 'owner' | 'receptionist';
interface Member {
  id: string;
  email: string;
  role: Role;
  since: string;
}

/** Who works here: invite with a one-time link, change a role, remove (their screens sign out at once). */
export function Staff({ clinic, me }: { clinic: ClinicView; me: string | undefined }) {
  const base = `/api/clinics/${clinic.id}/staff`;
  const [staff, setStaff] = useState<Load<Member[]>>({ state: 'loading' });
  const [invite, setInvite] = useState({ email: '', role: 'receptionist' as Role });
  const [link, setLink] = useState<{ email: string; url: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState('');

  const load = useCallback(() => loadInto(api<{ staff: Member[] }>('GET', base), setStaff, (r) => r.staff), [base]);
  useEffect(load, [load]);

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ email: string; setPasswordLink: string | null }>('POST', base, invite);
      setLink({ email: r.email, url: r.setPasswordLink });
      setInvite({ email: '', role: 'receptionist' });
      load();
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }

  async function change(member: Member, action: () => Promise<unknown>) {
    setProblem('');
    try {
      await action();
      load();
    } catch (err) {
      setProblem(`${member.email}: ${(err as ApiError).message}`);
    }
  }
  const setRole = (m: Member, role: Role) => change(m, () => api('PATCH', `${base}/${m.id}`, { role }));
  const remove = (m: Member) => {
    if (window.confirm(`Remove ${m.email} from ${clinic.name}? They are signed out at once.`)) void change(m, () => api('DELETE', `${base}/${m.id}`));
  };

  return (
    <section aria-label="Staff" className="stack">
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={staff} loading="Loading staff…" retry={load}>
        {(members) => (
          <table aria-label="Staff list">
            <thead>
              <tr><th>Email</th><th>Role</th><th>Since</th><th /></tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <td>{m.email}{m.id === me && ' (you)'}</td>
                  <td>
                    <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void setRole(m, e.target.value as Role)}>
                      <option value="receptionist">Receptionist</option>
                      <option value="owner">Owner</option>
                    </select>
                  </td>
                  <td>{new Date(m.since).toLocaleDateString(clinic.locale, { timeZone: clinic.timeZone })}</td>
                  <td><button className="danger" onClick={() => remove(m)}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>

      <form className="panel" onSubmit={send} aria-label="Invite someone">
        <h2>Invite someone</h2>
        <div className="row">
          <label>
            Email
            <input type="email" required value={invite.email} onChange={(e) => setInvite({ ...invite, email: e.target.value })} />
          </label>
          <label>
            Role
            <select value={invite.role} onChange={(e) => setInvite({ ...invite, role: e.target.value as Role })}>
              <option value="receptionist">Receptionist</option>
              <option value="owner">Owner</option>
            </select>
          </label>
        </div>
        <FormEnd error={error} busy={busy} label="Invite" busyLabel="Inviting…" />
      </form>
      {link && (
        <div className="panel" role="status">
          {link.url ? (
            <>
              <p>Give {link.email} this link to set their password. It works once, for 72 hours; it is not shown again.</p>
              <CopyField label="Set-password link" value={link.url} />
            </>
          ) : (
            <p>{link.email} already has an account and can sign in now.</p>
          )}
        </div>
      )}
    </section>
  );
}
