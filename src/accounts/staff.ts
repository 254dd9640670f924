// Staff accounts: adding and removing staff, one-time set-password links.
// Shared by the operator's command line and the HTTP API.
import { z } from 'zod';
import { type Actor, recordAudit } from '../core/audit.js';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import type { Role } from '../generated/prisma/enums.js';
import { hashPassword } from './passwords.js';
import { hashToken, newToken } from '../core/tokens.js';
import { NotFound, Conflict, Gone } from '../core/errors.js';
import { ONE_LINE, oneLine } from '../core/validation.js';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(254));
export const roleSchema = z.enum(['owner', 'receptionist'], { error: 'must be owner or receptionist' });
/** What colleagues call someone ("Sam Lee"): staff data, shown wherever their email was. */
export const staffNameSchema = z
  .string({ error: 'must be a name' })
  .trim()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .refine(oneLine, ONE_LINE);

/** A member of staff as screens name them: their name, else their email. */
export const staffLabel = (user: { name: string | null; email: string }): string => user.name ?? user.email;

export const PASSWORD_LINK_TTL_MS = 72 * 60 * 60 * 1000;

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/**
 * Adds a member to a clinic, creating the user when new; an existing member gets the new
 * role (never leaving the clinic without an owner). The operator's command line only:
 * owners invite (./invitations.ts), and nobody joins a clinic without accepting.
 */
export async function addStaff(
  prisma: Prisma,
  input: { clinicId: string; email: string; role: Role; password?: string; name?: string },
  actor: Actor,
): Promise<{ userId: string; created: boolean }> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const clinic = await tx.clinic.findUnique({ where: { id: input.clinicId }, select: { id: true } });
    if (!clinic) throw new NotFound(`No clinic with id ${input.clinicId}`, 'clinic');
    const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    const user =
      existing ??
      (await tx.user.create({ data: { email: input.email, passwordHash, name: input.name }, select: { id: true } }));
    if (existing && input.name !== undefined)
      await tx.user.update({ where: { id: existing.id }, data: { name: input.name } });
    if (existing && passwordHash) {
      // A new password from the operator is a reset: whoever held the old one is signed out.
      await tx.user.update({ where: { id: existing.id }, data: { passwordHash } });
      await tx.session.deleteMany({ where: { userId: existing.id } });
    }
    if (input.role !== 'owner') await keepAnOwner(tx, clinic.id, user.id);
    await tx.membership.upsert({
      where: { userId_clinicId: { userId: user.id, clinicId: clinic.id } },
      create: { userId: user.id, clinicId: clinic.id, role: input.role },
      update: { role: input.role },
    });
    await recordAudit(tx, {
      actor,
      action: 'staff.added',
      clinicId: clinic.id,
      subject: { type: 'user', id: user.id },
      details: { role: input.role },
    });
    return { userId: user.id, created: !existing };
  });
}

/**
 * Refuses a change that would leave the clinic without an owner. The owners' rows are
 * locked first, so two owners removing each other at once cannot both succeed.
 */
async function keepAnOwner(tx: Tx, clinicId: string, userId: string): Promise<void> {
  const owners = await tx.$queryRaw<
    Array<{ userId: string }>
  >`SELECT "userId"::text AS "userId" FROM "Membership" WHERE "clinicId" = ${clinicId}::uuid AND "role" = 'owner' FOR UPDATE`;
  if (owners.length === 1 && owners[0]!.userId === userId) {
    throw new Conflict('last_owner', 'A clinic needs at least one owner: make someone else an owner first.', 'userId');
  }
}

/**
 * Ends the sessions of whoever among `userIds` belongs to no clinic any more (a removal
 * or a closure left them with nothing to see). Someone still in another clinic keeps
 * their session: leaving one clinic ends access to that clinic only. Returns those
 * signed out, whose open screens must be told.
 */
export async function signOutThoseLeftWithoutAClinic(tx: Tx, userIds: string[]): Promise<string[]> {
  const stillMembers = new Set(
    (await tx.membership.findMany({ where: { userId: { in: userIds } }, select: { userId: true } })).map(
      (m) => m.userId,
    ),
  );
  const left = userIds.filter((id) => !stillMembers.has(id));
  if (left.length > 0) await tx.session.deleteMany({ where: { userId: { in: left } } });
  return left;
}

/** The clinic's staff, by name (else email), with their role and since when. */
export async function listStaff(prisma: Prisma, clinicId: string) {
  const members = await prisma.membership.findMany({
    where: { clinicId },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return members
    .map((m) => ({ ...m.user, role: m.role, since: m.createdAt }))
    .sort((a, b) => staffLabel(a).localeCompare(staffLabel(b)) || a.email.localeCompare(b.email));
}

/**
 * A person sets or corrects their own name (their profile, an invitation, a password link).
 * Audited where their sign-ins are: the owners of every clinic they belong to see it.
 */
export async function setOwnName(prisma: Prisma, userId: string, name: string): Promise<void> {
  await prisma.$transaction((tx) => writeOwnName(tx, userId, name));
}

/** setOwnName inside a transaction already open. */
export async function writeOwnName(tx: Tx, userId: string, name: string): Promise<void> {
  const before = await tx.user.findUnique({ where: { id: userId }, select: { name: true } });
  if (!before) throw new NotFound('No such member of staff', 'userId');
  if (before.name === name) return;
  await tx.user.update({ where: { id: userId }, data: { name } });
  await recordAudit(tx, {
    actor: { type: 'user', userId },
    action: 'staff.name_changed',
    subject: { type: 'user', id: userId },
  });
}

/** Changes a member's role in one clinic (owner screens). */
export async function changeRole(
  prisma: Prisma,
  input: { clinicId: string; userId: string; role: Role },
  actor: Actor,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    if (input.role !== 'owner') await keepAnOwner(tx, input.clinicId, input.userId);
    const changed = await tx.membership.updateMany({
      where: { clinicId: input.clinicId, userId: input.userId },
      data: { role: input.role },
    });
    if (changed.count === 0) throw new NotFound('No such member of staff', 'userId');
    await recordAudit(tx, {
      actor,
      action: 'staff.role_changed',
      clinicId: input.clinicId,
      subject: { type: 'user', id: input.userId },
      details: { role: input.role },
    });
  });
}

/**
 * Takes a member out of one clinic (never its last owner). Their access to that clinic
 * ends at once; their sessions end only if they belong to no other clinic.
 */
export async function removeMember(
  deps: Pick<Services, 'db' | 'events'>,
  input: { clinicId: string; userId: string },
  actor: Actor,
): Promise<{ signedOut: boolean }> {
  const removed = await deps.db.prisma.$transaction(async (tx) => {
    await keepAnOwner(tx, input.clinicId, input.userId);
    const removed = await tx.membership.deleteMany({ where: { userId: input.userId, clinicId: input.clinicId } });
    if (removed.count === 0) throw new NotFound('No such member of staff', 'userId');
    const signedOut = await signOutThoseLeftWithoutAClinic(tx, [input.userId]);
    await recordAudit(tx, {
      actor,
      action: 'staff.removed',
      clinicId: input.clinicId,
      subject: { type: 'user', id: input.userId },
    });
    return { signedOut: signedOut.length > 0 };
  });
  // Their open screens of the clinic close now, on every instance; someone still in another clinic keeps working there.
  deps.events.accessChanged({ kind: 'left_clinic', userId: input.userId, clinicId: input.clinicId });
  if (removed.signedOut) deps.events.accessChanged({ kind: 'signed_out', userId: input.userId });
  return removed;
}

/** The operator's removal, by email: as removeMember. */
export async function removeStaff(
  deps: Pick<Services, 'db' | 'events'>,
  input: { clinicId: string; email: string },
  actor: Actor,
): Promise<{ signedOut: boolean }> {
  const user = await deps.db.prisma.user.findUnique({ where: { email: input.email }, select: { id: true } });
  const notMember = new NotFound(`${input.email} is not a member of clinic ${input.clinicId}`, 'email');
  if (!user) throw notMember;
  return removeMember(deps, { clinicId: input.clinicId, userId: user.id }, actor).catch((err) => {
    throw err instanceof NotFound ? notMember : err;
  });
}

/**
 * A one-time link to set a password; only the token's hash is stored. Any older link dies,
 * unless `keepOthers` (a link someone asked for by email: anyone can ask in a person's name,
 * so that must not end a link an operator handed them). Using any link ends the rest.
 */
export async function createPasswordLink(
  prisma: Prisma,
  userId: string,
  baseUrl: string,
  now: Date,
  options: { keepOthers?: boolean } = {},
): Promise<string> {
  const token = newToken();
  await prisma.$transaction([
    prisma.passwordLink.deleteMany({ where: options.keepOthers ? { userId, expiresAt: { lte: now } } : { userId } }),
    prisma.passwordLink.create({
      data: {
        tokenHash: hashToken(token),
        userId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + PASSWORD_LINK_TTL_MS),
      },
    }),
  ]);
  // In the fragment, so the token never reaches a server log or a Referer header.
  return `${baseUrl}/set-password#token=${token}`;
}

async function liveLink(prisma: Pick<Prisma, 'passwordLink'>, token: string, now: Date) {
  const link = await prisma.passwordLink.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  if (!link)
    throw new NotFound(
      'This link is not valid. Ask your clinic owner or operator for a new one.',
      'token',
      'link_unknown',
    );
  if (link.usedAt || link.expiresAt <= now) {
    throw new Gone(
      'link_expired',
      'This link has expired or was already used. Ask your clinic owner or operator for a new one.',
      'token',
    );
  }
  return link;
}

/** Whose link this is, without using it. */
export async function inspectPasswordLink(
  prisma: Prisma,
  token: string,
  now: Date,
): Promise<{ email: string; name: string | null }> {
  const { email, name } = (await liveLink(prisma, token, now)).user;
  return { email, name };
}

/**
 * Sets the password through a link, once: the link is spent and the user's other sessions end.
 * The link is looked up before the password is hashed, so a bogus link costs a lookup, not argon2.
 */
export async function usePasswordLink(
  prisma: Prisma,
  token: string,
  password: string,
  now: Date,
  hash = hashPassword,
  name?: string,
): Promise<{ userId: string }> {
  await liveLink(prisma, token, now);
  const passwordHash = await hash(password);
  return prisma.$transaction(async (tx) => {
    const link = await liveLink(tx, token, now);
    // The conditional update is what makes the link one-time under concurrency.
    const spent = await tx.passwordLink.updateMany({
      where: { tokenHash: link.tokenHash, usedAt: null },
      data: { usedAt: now },
    });
    if (spent.count !== 1) throw new Gone('link_expired', 'This link was already used.', 'token');
    // The password is set: every other link of theirs (an operator's, an emailed one) ends.
    await tx.passwordLink.deleteMany({ where: { userId: link.userId, tokenHash: { not: link.tokenHash } } });
    await tx.user.update({ where: { id: link.userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: link.userId } });
    await recordAudit(tx, {
      actor: { type: 'user', userId: link.userId },
      action: 'staff.password_set',
      subject: { type: 'user', id: link.userId },
    });
    if (name !== undefined) await writeOwnName(tx, link.userId, name);
    return { userId: link.userId };
  });
}
