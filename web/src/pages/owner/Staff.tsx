import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Load, loadInto } from '../../api';
import { FormEnd } from '../../components/FormEnd';
import { Loaded } from '../../components/Loaded';
import { CopyField } from '../../components/CopyField';
import { dayOf } from '../../format/dates';
import type {
  ClinicSummary,
  InvitationList,
  InvitationView,
  NewInvitation,
  Role,
  StaffList,
  StaffMember,
} from '../../../../src/contracts/api';
import { TableScroll } from '../../components/TableScroll';

const ROLE: Record<Role, string> = { owner: 'Owner', receptionist: 'Receptionist' };

/** A member of staff as colleagues know them: their name, else their email. */
const label = (p: { name: string | null; email: string }) => p.name ?? p.email;

/** The name, with the email under it (just the email when there is no name). */
function NameAndEmail({ person, you }: { person: { name: string | null; email: string }; you?: boolean }) {
  return (
    <>
      {label(person)}
      {you && ' (you)'}
      {person.name && <div className="note">{person.email}</div>}
    </>
  );
}

/**
 * Who works here: invite (a one-time link to pass on, or emailed to them when the service
 * sends email; nobody joins until they accept),
 * see and withdraw pending invitations, change a role, remove (their screens leave the clinic at once).
 */
export function Staff({ clinic, me }: { clinic: ClinicSummary; me: string | undefined }) {
  const base = `/api/clinics/${clinic.id}/staff`;
  const invitationsUrl = `/api/clinics/${clinic.id}/invitations`;
  const [staff, setStaff] = useState<Load<StaffMember[]>>({ state: 'loading' });
  const [pending, setPending] = useState<Load<InvitationView[]>>({ state: 'loading' });
  const [invite, setInvite] = useState({ email: '', name: '', role: 'receptionist' as Role });
  /** The invitation just made: its link to pass on, or null when it is emailed to them. */
  const [link, setLink] = useState<{ who: string; email: string; url: string | null; expiresAt: string } | null>(null);
  const [byEmail, setByEmail] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const day = (iso: string) => dayOf(iso, clinic);

  const load = useCallback(() => {
    loadInto(api<StaffList>('GET', base), setStaff, (r) => r.staff);
    loadInto(api<InvitationList>('GET', invitationsUrl), setPending, (r) => {
      setByEmail(r.byEmail);
      return r.invitations;
    });
  }, [base, invitationsUrl]);
  useEffect(load, [load]);

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const name = invite.name.trim();
      const r = await api<NewInvitation>('POST', invitationsUrl, {
        email: invite.email,
        role: invite.role,
        ...(name ? { name } : {}),
      });
      setLink({ who: label(r.invitation), email: r.invitation.email, url: r.link, expiresAt: r.invitation.expiresAt });
      setInvite({ email: '', name: '', role: 'receptionist' });
      load();
    } catch (err) {
      setError((err as ApiError).message);
    } finally {
      setBusy(false);
    }
  }
  const withdraw = (i: InvitationView) => {
    setProblem('');
    api('DELETE', `${invitationsUrl}/${i.id}`).then(load, (err: ApiError) => setProblem(`${label(i)}: ${err.message}`));
  };

  async function change(member: StaffMember, action: () => Promise<unknown>) {
    setProblem('');
    try {
      await action();
      load();
    } catch (err) {
      setProblem(`${label(member)}: ${(err as ApiError).message}`);
    }
  }
  const setRole = (m: StaffMember, role: Role) => change(m, () => api('PATCH', `${base}/${m.id}`, { role }));
  const remove = (m: StaffMember) => {
    if (window.confirm(`Remove ${label(m)} from ${clinic.name}? Their access to it ends at once.`))
      void change(m, () => api('DELETE', `${base}/${m.id}`));
  };

  return (
    <section aria-label="Staff" className="stack">
      {problem && <p role="alert">{problem}</p>}
      <Loaded load={staff} loading="Loading staff…" retry={load}>
        {(members) => (
          <TableScroll label="Staff list">
            <table aria-label="Staff list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Since</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <NameAndEmail person={m} you={m.id === me} />
                    </td>
                    <td>
                      <select
                        aria-label={`Role of ${label(m)}`}
                        value={m.role}
                        onChange={(e) => void setRole(m, e.target.value as Role)}
                      >
                        <option value="receptionist">Receptionist</option>
                        <option value="owner">Owner</option>
                      </select>
                    </td>
                    <td>{day(m.since)}</td>
                    <td>
                      <button className="danger" onClick={() => remove(m)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Loaded>

      <section className="panel" aria-label="Pending invitations">
        <h2>Pending invitations</h2>
        <Loaded load={pending} loading="Loading invitations…" retry={load}>
          {(invitations) =>
            invitations.length === 0 ? (
              <p className="note">No invitations waiting.</p>
            ) : (
              <TableScroll label="Invitations waiting">
                <table aria-label="Invitations waiting">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Role</th>
                      <th>Invited</th>
                      <th>Link works until</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.map((i) => (
                      <tr key={i.id}>
                        <td>
                          <NameAndEmail person={i} />
                        </td>
                        <td>{ROLE[i.role]}</td>
                        <td>
                          {day(i.createdAt)}
                          {i.invitedBy ? ` by ${i.invitedBy}` : ''}
                          {byEmail && (
                            <div className="note">
                              {i.emailedAt ? `Emailed ${day(i.emailedAt)}` : 'Email not sent yet'}
                            </div>
                          )}
                        </td>
                        <td>{i.expired ? 'Expired: invite them again' : day(i.expiresAt)}</td>
                        <td>
                          <button
                            className="danger"
                            onClick={() => withdraw(i)}
                            aria-label={`Withdraw the invitation to ${label(i)}`}
                          >
                            Withdraw
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )
          }
        </Loaded>
      </section>

      <form className="panel" onSubmit={send} aria-label="Invite someone">
        <h2>Invite someone</h2>
        <div className="row">
          <label>
            Email
            <input
              type="email"
              required
              value={invite.email}
              onChange={(e) => setInvite({ ...invite, email: e.target.value })}
            />
          </label>
          <label>
            Name (optional; they can change it)
            <input
              maxLength={80}
              autoComplete="off"
              value={invite.name}
              onChange={(e) => setInvite({ ...invite, name: e.target.value })}
            />
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
          {link.url === null ? (
            <p>
              We are emailing the invitation to {link.who === link.email ? link.email : `${link.who} (${link.email})`}.
              They join once they accept it: someone new chooses a password, someone who already has an account signs in
              with it. The link in the email works once, until {day(link.expiresAt)}. Nothing arrived? Check the
              address, and invite them again for a new email.
            </p>
          ) : (
            <>
              <p>
                Give {link.who} this link. They join once they accept it: someone new chooses a password, someone who
                already has an account signs in with it. It works once, until {day(link.expiresAt)}, and is not shown
                again.
              </p>
              <CopyField label="Invitation link" value={link.url} />
            </>
          )}
        </div>
      )}
    </section>
  );
}
