// Checking an email and password. Only failures count against the limits (a success
// gives its attempt back), and one answer serves an unknown email and a wrong password,
// so the form reveals neither. A wrong password for a member of staff is audited in each
// of their clinics (never the password typed, nor where it came from); an unknown email
// leaves nothing any clinic can read.
import { recordAudit, recordAuditInClinics } from '../core/audit.js';
import { NotSignedIn } from '../core/errors.js';
import type { Prisma } from '../db/database.js';
import { verifyPassword } from './passwords.js';
import { clearAttempts } from './rate-limit.js';
import { startSession } from './sessions.js';
import { signInLimits, takeAttempt } from './throttle.js';

export interface SignInAttempt {
  email: string;
  password: string;
  /** Where the attempt comes from (the client's address). */
  address: string;
  /** The people who have signed in on this browser before: their attempts skip the account-wide limit. */
  knownOnThisBrowser: string[];
}

/** A new session for the person whose password this is, or NotSignedIn; the sign-in is audited. */
export async function signInWithPassword(
  prisma: Prisma,
  attempt: SignInAttempt,
  now: Date,
): Promise<{ userId: string; token: string; tokenHash: string }> {
  const user = await prisma.user.findUnique({
    where: { email: attempt.email },
    select: { id: true, passwordHash: true },
  });
  const trusted = user !== null && attempt.knownOnThisBrowser.includes(user.id);
  const taken = await takeAttempt(
    prisma,
    signInLimits(attempt.email, attempt.address, trusted),
    now,
    'sign-in attempts',
  );
  if (!(await verifyPassword(user?.passwordHash, attempt.password)) || !user) {
    await auditFailedSignIn(prisma, user?.id ?? null);
    throw new NotSignedIn('invalid_credentials', 'Email or password is incorrect.');
  }
  await taken.refund();
  // Their own slips from here are forgiven; failures from elsewhere still count.
  await clearAttempts(prisma, taken.keys[1]!);
  const session = await startSession(prisma, user.id, now);
  await recordAudit(prisma, { actor: { type: 'user', userId: user.id }, action: 'session.signed_in' });
  return { userId: user.id, ...session };
}

// Matches no one: an unknown email runs the same lookup as a known one, so neither answers sooner.
const NO_ONE = '00000000-0000-0000-0000-000000000000';

/** "Someone typed a wrong password for Sam Lee", in each clinic Sam belongs to. */
async function auditFailedSignIn(prisma: Prisma, userId: string | null): Promise<void> {
  const clinics = await prisma.membership.findMany({ where: { userId: userId ?? NO_ONE }, select: { clinicId: true } });
  if (!userId) return;
  await recordAuditInClinics(
    prisma,
    clinics.map((m) => m.clinicId),
    { actor: { type: 'someone' }, action: 'session.sign_in_failed', subject: { type: 'user', id: userId } },
  );
}
