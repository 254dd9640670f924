// Who takes calls in the browser. Kept in the database so every instance sees it;
// it counts only while the person holds a live session, so signing out or a session
// running out makes them away without anyone having to remember to flip it.
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';

export async function setPresence(prisma: Prisma, userId: string, available: boolean, now: Date): Promise<void> {
  await prisma.presence.upsert({
    where: { userId },
    create: { userId, available, changedAt: now },
    update: { available, changedAt: now },
  });
}

export async function isAvailable(prisma: Prisma, userId: string): Promise<boolean> {
  return (await prisma.presence.findUnique({ where: { userId } }))?.available ?? false;
}

/** The clinic's staff who are available and signed in now. */
export async function availableStaff(prisma: Prisma, clinicId: string, now: Date): Promise<Array<{ userId: string }>> {
  const rows = await prisma.membership.findMany({
    where: { clinicId, user: { presence: { available: true }, sessions: { some: { expiresAt: { gt: now } } } } },
    select: { userId: true },
  });
  return rows;
}

/** A person takes calls or stops; each of their clinics' dashboards is told. */
export async function changePresence(
  deps: Pick<Services, 'db' | 'events' | 'clock'>,
  user: { id: string; email: string },
  available: boolean,
): Promise<void> {
  const now = deps.clock();
  await setPresence(deps.db.prisma, user.id, available, now);
  const memberships = await deps.db.prisma.membership.findMany({
    where: { userId: user.id },
    select: { clinicId: true },
  });
  for (const { clinicId } of memberships)
    deps.events.publish('staff.presence', clinicId, { userId: user.id, email: user.email, available }, now);
}
