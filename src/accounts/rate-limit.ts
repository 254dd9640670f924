import type { Prisma } from '../db/database.js';

export interface Limit {
  points: number;
  windowMs: number;
}

export interface Consumed {
  allowed: boolean;
  count: number;
  retryAfterSeconds: number;
}

/**
 * Counts one attempt against `key` in a fixed window, atomically in the database
 * so every instance shares the count and concurrent attempts cannot slip past.
 */
export async function consumeAttempt(prisma: Prisma, key: string, limit: Limit, now: Date): Promise<Consumed> {
  const resetAt = new Date(now.getTime() + limit.windowMs);
  const rows = await prisma.$queryRaw<Array<{ count: number; resetAt: Date }>>`
    INSERT INTO "RateLimitCounter" ("key", "count", "resetAt") VALUES (${key}, 1, ${resetAt})
    ON CONFLICT ("key") DO UPDATE SET
      "count"   = CASE WHEN "RateLimitCounter"."resetAt" <= ${now} THEN 1 ELSE "RateLimitCounter"."count" + 1 END,
      "resetAt" = CASE WHEN "RateLimitCounter"."resetAt" <= ${now} THEN ${resetAt} ELSE "RateLimitCounter"."resetAt" END
    RETURNING "count", "resetAt"`;
  const row = rows[0]!;
  return {
    allowed: row.count <= limit.points,
    count: row.count,
    retryAfterSeconds: Math.max(1, Math.ceil((row.resetAt.getTime() - now.getTime()) / 1000)),
  };
}

export async function clearAttempts(prisma: Prisma, key: string): Promise<void> {
  await prisma.rateLimitCounter.deleteMany({ where: { key } });
}

/** Gives one attempt back (a success, which must not count toward a limit). */
export async function refundAttempt(prisma: Prisma, key: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "RateLimitCounter" SET "count" = GREATEST("count" - 1, 0) WHERE "key" = ${key}`;
}
