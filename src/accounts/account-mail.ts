// Emailing people their links: an owner's invitation, a set-password link. The link's
// token is made at the moment the email is sent, never earlier, so no token waits in the
// job table (which backups keep, and a failed job may stay in for weeks) — a payload names
// the invitation or the person, nothing more. Each try makes a fresh token, which ends the
// one before: a retry after a send whose success was lost leaves only the newest link
// working, and that is the one in the latest email.
import { recordAuditInClinics } from '../core/audit.js';
import type { Services } from '../core/services.js';
import { hashToken, newToken } from '../core/tokens.js';
import type { JobHandlers } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import type { Mailer } from '../mail/mailer.js';
import { type ClinicFacts, invitationEmail, type PasswordLinkReason, passwordLinkEmail } from './emails.js';
import { invitationLink } from './invitations.js';
import { createPasswordLink, PASSWORD_LINK_TTL_MS, staffLabel } from './staff.js';

type Deps = Pick<Services, 'db' | 'clock'> & { config: Pick<Services['config'], 'publicBaseUrl'> };

const clinicFacts = { name: true, timeZone: true, locale: true } as const;

/**
 * A new set-password link for this person, emailed to them (the older link stops working).
 * Null when there is no such person; throws MailNotSent when the SMTP server did not take it.
 */
export async function emailPasswordLink(
  deps: Deps & { mailer: Mailer },
  userId: string,
  reason: PasswordLinkReason,
): Promise<{ email: string } | null> {
  const { prisma } = deps.db;
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      email: true,
      name: true,
      memberships: { select: { clinic: { select: clinicFacts } }, orderBy: { clinic: { name: 'asc' } } },
    },
  });
  if (!user) return null;
  const now = deps.clock();
  const link = await createPasswordLink(prisma, userId, deps.config.publicBaseUrl, now, {
    keepOthers: reason === 'asked',
  });
  await deps.mailer.send(
    passwordLinkEmail({
      to: user.email,
      name: user.name,
      clinics: user.memberships.map((m): ClinicFacts => m.clinic),
      reason,
      link,
      expiresAt: new Date(now.getTime() + PASSWORD_LINK_TTL_MS),
    }),
  );
  return { email: user.email };
}

/** Emails an open invitation to its invitee with a fresh token; one accepted, withdrawn or expired meanwhile is left alone. */
async function emailInvitation(deps: Deps & { mailer: Mailer }, invitationId: string): Promise<void> {
  const { prisma } = deps.db;
  const invitation = await prisma.invitation.findUnique({
    where: { id: invitationId },
    include: { clinic: { select: clinicFacts } },
  });
  if (!invitation) return;
  const token = newToken();
  // Conditional, so an invitation accepted, withdrawn or expired is never given a working token.
  const renewed = await prisma.invitation.updateMany({
    where: { id: invitationId, acceptedAt: null, revokedAt: null, expiresAt: { gt: deps.clock() } },
    data: { tokenHash: hashToken(token) },
  });
  if (renewed.count !== 1) return;
  const inviter = invitation.invitedBy
    ? await prisma.user.findUnique({ where: { id: invitation.invitedBy }, select: { email: true, name: true } })
    : null;
  await deps.mailer.send(
    invitationEmail({
      to: invitation.email,
      name: invitation.name,
      invitedBy: inviter ? staffLabel(inviter) : null,
      clinic: invitation.clinic,
      role: invitation.role,
      link: invitationLink(deps.config.publicBaseUrl, token),
      expiresAt: invitation.expiresAt,
    }),
  );
  await prisma.invitation.updateMany({ where: { id: invitationId }, data: { emailedAt: deps.clock() } });
}

/** A job cannot send without SMTP (SMTP_URL removed since it was queued): failed for good, for the operator to see. */
function mailerOf(deps: Pick<Services, 'mailer'>): Mailer {
  if (!deps.mailer) throw new PermanentJobError('email is not configured (SMTP_URL is not set), so it cannot be sent');
  return deps.mailer;
}

export function accountMailJobs(
  deps: Deps & Pick<Services, 'mailer'>,
): Pick<JobHandlers, 'mail.invitation' | 'mail.password-reset'> {
  return {
    'mail.invitation': async ({ invitationId }) => emailInvitation({ ...deps, mailer: mailerOf(deps) }, invitationId),
    'mail.password-reset': async ({ userId }, job) => {
      if (!userId) return; // an email with no account: nothing to send, nothing to record
      const mailer = mailerOf(deps);
      if (job.attempt === 1) {
        // "Someone asked for a password reset for Sam Lee", in each of Sam's clinics, as a wrong password is.
        const clinics = await deps.db.prisma.membership.findMany({ where: { userId }, select: { clinicId: true } });
        await recordAuditInClinics(
          deps.db.prisma,
          clinics.map((m) => m.clinicId),
          { actor: { type: 'someone' }, action: 'staff.password_reset_asked', subject: { type: 'user', id: userId } },
        );
      }
      await emailPasswordLink({ ...deps, mailer }, userId, 'asked');
    },
  };
}
