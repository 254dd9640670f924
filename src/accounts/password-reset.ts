// "Forgot your password?" on the sign-in page. The answer is the same for an email with an
// account and one without: the same status and body, after the same work (two throttle
// counts, one lookup, one queued job), so the form tells nobody whose account exists. The
// email, and the audit entry "someone asked for a password reset", come from the job
// (./account-mail.ts). The link it sends works like the operator's staff:reset: the old
// password keeps working until the link is used, and a pending invitation is untouched.
import type { Prisma } from '../db/database.js';
import { queueJob } from '../jobs/kinds.js';
import { RESETS_PER_ADDRESS, RESETS_PER_EMAIL, takeAttempt } from './throttle.js';

export async function askForPasswordReset(
  prisma: Prisma,
  request: { email: string; address: string },
  now: Date,
): Promise<void> {
  // Every request counts, sent or not: the limits bound the emails one inbox gets and the work one address causes.
  await takeAttempt(
    prisma,
    [
      [`reset:address:${request.address}`, RESETS_PER_ADDRESS],
      [`reset:email:${request.email}`, RESETS_PER_EMAIL],
    ],
    now,
    'requests for a password link',
  );
  const user = await prisma.user.findUnique({ where: { email: request.email }, select: { id: true } });
  await queueJob(prisma, 'mail.password-reset', { userId: user?.id ?? null }, { runAt: now });
}
