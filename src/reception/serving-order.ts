// The next to serve, asked of the database: the first of a clinic's callers waiting on
// the line and call-backs due to be rung, by the time each first joined the queue. The
// rule is next-caller.ts's `nextToServe` (a test holds this query to it on random
// queues); here it is one round trip that reads two index entries, however long the
// queue, instead of every waiting row ordered in memory.
import type { Database } from '../db/database.js';

export interface NextInLine {
  kind: 'caller' | 'call-back';
  id: string;
  joinedAt: Date;
}

// Each branch reads the first row of its own partial index (Call_in_queue, CallBack_to_ring);
// the outer ORDER BY picks the earlier of the two. Ties go to the smaller id, as in the rule.
const NEXT_IN_LINE = {
  name: 'next-in-line',
  text: `SELECT "kind", "id"::text AS "id", "joinedAt" FROM (
    (SELECT 'caller' AS "kind", c."id", c."queuedAt" AS "joinedAt" FROM "Call" c
      WHERE c."clinicId" = $1::uuid AND c."queueStatus" = 'waiting'
        AND c."endedAt" IS NULL AND c."queuedAt" IS NOT NULL
      ORDER BY c."queuedAt", c."id" LIMIT 1)
    UNION ALL
    (SELECT 'call-back' AS "kind", b."id", b."joinedQueueAt" AS "joinedAt" FROM "CallBack" b
      WHERE b."clinicId" = $1::uuid AND b."requestedInQueue" AND b."doneAt" IS NULL AND b."ringState" = 'waiting'
        AND b."joinedQueueAt" IS NOT NULL AND (b."notBefore" IS NULL OR b."notBefore" <= $2::timestamp)
        AND b."id" <> ALL($3::uuid[])
      ORDER BY b."joinedQueueAt", b."id" LIMIT 1)
  ) n ORDER BY "joinedAt", "id" LIMIT 1`,
};

/**
 * Whom a receptionist who has just become free serves next at `now`, or null when nobody
 * can be served; `passOver`: call-backs that cannot be served this moment (their patient is
 * on the line to us), as if taken.
 */
export async function nextInLine(
  db: Pick<Database, 'sql'>,
  clinicId: string,
  now: Date,
  passOver: readonly string[] = [],
): Promise<NextInLine | null> {
  const [row] = await db.sql<NextInLine>(NEXT_IN_LINE, [clinicId, now, passOver]);
  return row ?? null;
}
