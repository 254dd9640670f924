import type { Prisma } from '../db/database.js';

/** One step on a call's timeline, written once: the key makes a repeated webhook a no-op. */
export async function addCallEvent(
  db: Pick<Prisma, 'callEvent'>,
  callId: string,
  kind: string,
  at: Date,
  data?: Record<string, string | number | null>,
): Promise<void> {
  await db.callEvent.createMany({
    data: [{ callId, at, kind, dedupeKey: `${callId}:${kind}`, data }],
    skipDuplicates: true,
  });
}
