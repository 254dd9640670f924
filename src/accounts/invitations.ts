// Staff invitations. An owner invites an email to a role in their clinic; nothing
// changes for anyone until the invitee accepts: a new person by choosing a password
// through the one-time link, someone who already has an account only while signed in
// as themselves. So no owner ever gets a usable link or a membership for an account
// that exists (the takeover this replaces: any owner could set the password of another
// clinic's new owner), and one clinic's invitation never touches another clinic's
// links. The owner's answer is the same whether the email has an account or not.
import { type Actor, recordAudit } from '../core/audit.js';
import type { Prisma } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import { hashPassword } from './passwords.js';
import { staffLabel, writeOwnName } from './staff.js';
import type { Limit } from './rate-limit.js';
import { takeAttempt } from './throttle.js';
import { hashToken, newToken } from '../core/tokens.js';
import { NotFound, InvalidInput, Conflict, NotAllowed, Gone } from '../core/errors.js';
import { queueJob } from '../jobs/kinds.js';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Invitations one clinic may send in a day: plenty for a clinic, few for someone fishing for accounts. */
export const INVITATIONS_PER_DAY: Limit = { points: 50, windowMs: 24 * 60 * 60 * 1000 };

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

export interface InvitationView {
  id: string;
  email: string;
  /** The name the owner typed, if any. */
  name: string | null;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  invitedBy: string | null;
  /** When the invitation email left (SMTP_URL set); null: handed over as a link, or not sent yet. */
  emailedAt: Date | null;
}

const view = (
  i: Omit<InvitationView, 'expired' | 'invitedBy'>,
  now: Date,
  invitedBy: string | null,
): InvitationView => ({
  id: i.id,
  email: i.email,
  name: i.name,
  role: i.role,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  expired: i.expiresAt <= now,
  invitedBy,
  emailedAt: i.emailedAt,
});

// In the fragment, so the token never reaches a server log or a Referer header.
export const invitationLink = (baseUrl: string, token: string): string => `${baseUrl}/invitation#token=${token}`;

/**
 * Invites `email` to the clinic as `role` with a new one-time link; an open invitation for
 * that email here is replaced. `byEmail`: the link goes only to the invitee's inbox (a job
 * makes it as it sends the email, ./account-mail.ts), so whoever invites never holds a
 * link that could create an account for an address they do not own; `link` is then null.
 */
export async function inviteStaff(
  prisma: Prisma,
  input: { clinicId: string; email: string; name?: string; role: Role; baseUrl: string; now: Date; byEmail: boolean },
  actor: Extract<Actor, { type: 'user' }>,
): Promise<{ invitation: InvitationView; link: string | null }> {
  const { clinicId, email, role, now } = input;
  await takeAttempt(
    prisma,
    [[`invite:clinic:${clinicId}`, INVITATIONS_PER_DAY]],
    now,
    'invitations from this clinic today',
  );
  // By email, nobody is ever given this one: the job sending the email replaces it with the token it sends.
  const token = newToken();
  const invitation = await prisma
    .$transaction(async (tx) => {
      const member = await tx.membership.findFirst({ where: { clinicId, user: { email } }, select: { userId: true } });
      if (member) throw new Conflict('already_member', `${email} is already a member of this clinic.`, 'email');
      await tx.invitation.updateMany({
        where: { clinicId, email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: now },
      });
      const created = await tx.invitation.create({
        data: {
          clinicId,
          email,
          name: input.name ?? null,
          role,
          tokenHash: hashToken(token),
          invitedBy: actor.userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        },
      });
      await recordAudit(tx, {
        actor,
        action: 'staff.invited',
        clinicId,
        subject: { type: 'invitation', id: created.id },
        details: { role },
      });
      if (input.byEmail) await queueJob(tx, 'mail.invitation', { invitationId: created.id }, { runAt: now });
      return created;
    })
    .catch((err) => {
      // Another owner invited the same email at the same moment: theirs stands.
      if (isUniqueViolation(err))
        throw new Conflict(
          'already_invited',
          `${email} was invited a moment ago; see the pending invitations.`,
          'email',
        );
      throw err;
    });
  const inviter = await prisma.user.findUnique({ where: { id: actor.userId }, select: { email: true, name: true } });
  return {
    invitation: view(invitation, now, inviter ? staffLabel(inviter) : null),
    link: input.byEmail ? null : invitationLink(input.baseUrl, token),
  };
}

/** The clinic's open invitations (expired ones too, so an owner sees who never came), newest first. */
export async function listInvitations(prisma: Prisma, clinicId: string, now: Date): Promise<InvitationView[]> {
  const open = await prisma.invitation.findMany({
    where: { clinicId, acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  const inviters = await prisma.user.findMany({
    where: { id: { in: open.flatMap((i) => (i.invitedBy ? [i.invitedBy] : [])) } },
    select: { id: true, email: true, name: true },
  });
  const label = new Map(inviters.map((u) => [u.id, staffLabel(u)]));
  return open.map((i) => view(i, now, i.invitedBy ? (label.get(i.invitedBy) ?? null) : null));
}

/** Withdraws an open invitation of this clinic: its link stops working. */
export async function revokeInvitation(
  prisma: Prisma,
  clinicId: string,
  invitationId: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: invitationId, clinicId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    if (revoked.count === 0) throw new NotFound('No such invitation waiting', 'invitationId');
    await recordAudit(tx, {
      actor,
      action: 'staff.invitation_revoked',
      clinicId,
      subject: { type: 'invitation', id: invitationId },
    });
  });
}

async function openInvitation(prisma: Prisma, token: string, now: Date) {
  const invitation = await prisma.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { clinic: { select: { name: true } } },
  });
  if (!invitation)
    throw new NotFound(
      'This invitation link is not valid. Ask the clinic for a new one.',
      'token',
      'invitation_unknown',
    );
  if (invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) {
    throw new Gone(
      'invitation_expired',
      'This invitation has expired, was withdrawn or was already used. Ask the clinic for a new one.',
      'token',
    );
  }
  return invitation;
}

/** What the invitation page shows: which clinic, which role, for which email (and the name the owner typed). */
export async function inspectInvitation(prisma: Prisma, token: string, now: Date) {
  const i = await openInvitation(prisma, token, now);
  return { email: i.email, name: i.name, role: i.role, clinicName: i.clinic.name, expiresAt: i.expiresAt };
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/** Marks the invitation used (once, under concurrency) and makes the membership; an existing membership keeps its role. */
async function join(
  tx: Tx,
  invitation: { id: string; clinicId: string; role: Role },
  userId: string,
  now: Date,
): Promise<void> {
  const spent = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now, acceptedBy: userId },
  });
  if (spent.count !== 1) throw new Gone('invitation_expired', 'This invitation was already used.', 'token');
  await tx.membership.createMany({
    data: [{ userId, clinicId: invitation.clinicId, role: invitation.role }],
    skipDuplicates: true,
  });
  await recordAudit(tx, {
    actor: { type: 'user', userId },
    action: 'staff.joined',
    clinicId: invitation.clinicId,
    subject: { type: 'invitation', id: invitation.id },
    details: { role: invitation.role },
  });
}

/**
 * Accepts an invitation. Signed in, only as the invited email. Not signed in, only by
 * choosing a password for a new account: an email that already has an account must sign
 * in with it first — whoever holds the link can never set that account's password.
 */
export async function acceptInvitation(
  prisma: Prisma,
  token: string,
  who: { signedInAs: { id: string; email: string } | null; password?: string; name?: string },
  now: Date,
  hash = hashPassword,
): Promise<{ userId: string; clinicId: string; newAccount: boolean }> {
  const invitation = await openInvitation(prisma, token, now);
  if (who.signedInAs) {
    if (who.signedInAs.email !== invitation.email) {
      throw new NotAllowed(
        'wrong_account',
        `This invitation is for ${invitation.email}, and you are signed in as ${who.signedInAs.email}. Sign out, then open the link again.`,
      );
    }
    const userId = who.signedInAs.id;
    await prisma.$transaction(async (tx) => {
      await join(tx, invitation, userId, now);
      // Their own account's name is theirs: the owner's guess never replaces it.
      if (who.name !== undefined) await writeOwnName(tx, userId, who.name);
    });
    return { userId, clinicId: invitation.clinicId, newAccount: false };
  }
  if (!who.password) throw new InvalidInput('password: is required to create your account', 'password');
  const accountExists = new Conflict(
    'account_exists',
    `There is already an account for ${invitation.email}. Sign in with its password to accept.`,
    'password',
  );
  if (await prisma.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) throw accountExists;
  const passwordHash = await hash(who.password);
  return prisma.$transaction(async (tx) => {
    const created = await tx.user.createMany({
      data: [{ email: invitation.email, passwordHash, name: who.name ?? invitation.name }],
      skipDuplicates: true,
    });
    if (created.count !== 1) throw accountExists; // made meanwhile (the operator, another invitation)
    const user = await tx.user.findUniqueOrThrow({ where: { email: invitation.email }, select: { id: true } });
    await join(tx, invitation, user.id, now);
    return { userId: user.id, clinicId: invitation.clinicId, newAccount: true };
  });
}
