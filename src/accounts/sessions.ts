import type { Prisma } from '../db/database.js';
import { hashToken, newToken } from '../core/tokens.js';

// Receptionists sit at the dashboard all day: a working day of idleness ends a
// session, and none lives longer than a week whatever the activity.
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  /** What colleagues call them; null until they give one (screens show the email). */
  name: string | null;
}

export interface ActiveSession {
  tokenHash: string;
  user: SessionUser;
}

const idleExpiry = (createdAt: Date, now: Date) =>
  new Date(Math.min(now.getTime() + SESSION_IDLE_MS, createdAt.getTime() + SESSION_MAX_MS));

/** Starts a session and returns the token for the cookie. */
export async function startSession(
  prisma: Prisma,
  userId: string,
  now: Date,
): Promise<{ token: string; tokenHash: string }> {
  const token = newToken();
  const tokenHash = hashToken(token);
  await prisma.session.create({
    data: { tokenHash, userId, createdAt: now, lastSeenAt: now, expiresAt: idleExpiry(now, now) },
  });
  return { token, tokenHash };
}

/** The live session for a cookie's token, extended on use; expired ones are removed. */
export async function findSession(prisma: Prisma, token: string, now: Date): Promise<ActiveSession | null> {
  const tokenHash = hashToken(token);
  const session = await prisma.session.findUnique({
    where: { tokenHash },
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  if (!session) return null;
  if (session.expiresAt <= now) {
    await prisma.session.deleteMany({ where: { tokenHash } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await prisma.session.updateMany({
      where: { tokenHash },
      data: { lastSeenAt: now, expiresAt: idleExpiry(session.createdAt, now) },
    });
  }
  return { tokenHash, user: session.user };
}

export async function endSession(prisma: Prisma, tokenHash: string): Promise<void> {
  await prisma.session.deleteMany({ where: { tokenHash } });
}
