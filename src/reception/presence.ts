// Who takes calls in the browser. Kept in the database so every instance sees it. A
// person counts as available only while they hold a live session *and* a live dashboard
// connection (every instance holding one of their sockets keeps `liveUntil` ahead; the
// last socket closing leaves a short grace for a reconnect), and only where answering in
// the browser works. Whoever lapses is set away, and their clinics' screens are told.
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { Conflict } from '../core/errors.js';
import { type AnsweringDeps, browserAnswering } from './answering.js';

/** How often an instance says its connected people are still there. */
export const HEARTBEAT_MS = 15_000;
/** How long one heartbeat holds: three beats, so a busy instance missing one does not drop anyone. */
export const LIVE_FOR_MS = 3 * HEARTBEAT_MS;
/** How long after their last dashboard connection closed a person is still put through (a reload, a network blip). */
export const RECONNECT_GRACE_MS = 30_000;

type PresenceDeps = Pick<Services, 'db' | 'events' | 'clock'>;

export async function setPresence(prisma: Prisma, userId: string, available: boolean, now: Date): Promise<void> {
  await prisma.presence.upsert({
    where: { userId },
    create: { userId, available, changedAt: now },
    update: { available, changedAt: now },
  });
}

export async function isAvailable(prisma: Prisma, userId: string, now: Date): Promise<boolean> {
  const row = await prisma.presence.findUnique({ where: { userId } });
  return Boolean(row?.available && row.liveUntil && row.liveUntil > now);
}

/** The clinic's staff put through to now: available, signed in and connected — none where the browser cannot answer. */
export async function availableStaff(
  deps: AnsweringDeps & Pick<Services, 'db'>,
  clinicId: string,
  now: Date,
): Promise<Array<{ userId: string }>> {
  if (!browserAnswering(deps)) return [];
  return deps.db.prisma.membership.findMany({
    where: {
      clinicId,
      user: {
        presence: { available: true, liveUntil: { gt: now } },
        sessions: { some: { expiresAt: { gt: now } } },
      },
    },
    select: { userId: true },
  });
}

/** These people have a dashboard connected to this instance now. */
export async function stillConnected(prisma: Prisma, userIds: string[], now: Date): Promise<void> {
  if (userIds.length === 0) return;
  const until = new Date(now.getTime() + LIVE_FOR_MS);
  await prisma.$executeRaw`INSERT INTO "Presence" ("userId", "available", "changedAt", "liveUntil")
    SELECT u, false, ${now}, ${until} FROM unnest(${userIds}::uuid[]) AS u
    ON CONFLICT ("userId") DO UPDATE SET "liveUntil" = GREATEST("Presence"."liveUntil", EXCLUDED."liveUntil")`;
}

/** The person's last dashboard connection on this instance closed: a short grace, unless another instance keeps them. */
export async function disconnected(prisma: Prisma, userId: string, now: Date): Promise<void> {
  const until = new Date(now.getTime() + RECONNECT_GRACE_MS);
  await prisma.$executeRaw`UPDATE "Presence" SET "liveUntil" = LEAST("liveUntil", ${until}) WHERE "userId" = ${userId}::uuid`;
}

/** Sets away everyone still marked available whose dashboard has gone; each of their clinics' screens is told. */
export async function setLapsedAway(deps: PresenceDeps): Promise<string[]> {
  const now = deps.clock();
  const lapsed = await deps.db.prisma.$queryRaw<Array<{ userId: string }>>`UPDATE "Presence"
    SET "available" = false, "changedAt" = ${now}
    WHERE "available" AND ("liveUntil" IS NULL OR "liveUntil" <= ${now})
    RETURNING "userId"::text AS "userId"`;
  if (lapsed.length > 0)
    await tellClinics(
      deps,
      lapsed.map((r) => r.userId),
      false,
      now,
    );
  return lapsed.map((r) => r.userId);
}

async function tellClinics(deps: PresenceDeps, userIds: string[], available: boolean, now: Date) {
  const memberships = await deps.db.prisma.membership.findMany({
    where: { userId: { in: userIds } },
    select: { clinicId: true, user: { select: { id: true, email: true, name: true } } },
  });
  for (const { clinicId, user } of memberships)
    deps.events.publish(
      'staff.presence',
      clinicId,
      { userId: user.id, name: user.name, email: user.email, available },
      now,
    );
}

/**
 * A person takes calls or stops; each of their clinics' dashboards is told. Taking calls
 * needs answering in the browser to work here and their dashboard to be open: otherwise
 * callers would queue for someone who cannot answer.
 */
export async function changePresence(
  deps: PresenceDeps & AnsweringDeps,
  user: { id: string; email: string },
  available: boolean,
): Promise<void> {
  const now = deps.clock();
  if (available) {
    if (!browserAnswering(deps))
      throw new Conflict(
        'answering_not_set_up',
        'Calls cannot be answered in the browser on this server (Twilio is not set up for it), so callers go to the desk phone or voicemail.',
      );
    const row = await deps.db.prisma.presence.findUnique({ where: { userId: user.id } });
    if (!row?.liveUntil || row.liveUntil <= now)
      throw new Conflict(
        'dashboard_not_connected',
        'Open the dashboard to take calls: you are put through only while it is open and connected.',
      );
  }
  await setPresence(deps.db.prisma, user.id, available, now);
  await tellClinics(deps, [user.id], available, now);
}
