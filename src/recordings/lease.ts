import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';

const CLAIM = {
  name: 'lease-claim',
  text: `INSERT INTO "Lease" ("name", "holder", "leaseUntil") VALUES ($1, $2, $3::timestamp)
    ON CONFLICT ("name") DO UPDATE SET "holder" = EXCLUDED."holder", "leaseUntil" = EXCLUDED."leaseUntil"
    WHERE "Lease"."leaseUntil" < $4::timestamp
    RETURNING "holder"`,
};

/**
 * Runs `work` only if no one else (another instance, the operator's command line)
 * holds the named lease; returns null when someone does. A holder that dies
 * loses the lease when it runs out.
 */
export async function withLease<T>(
  db: Database,
  name: string,
  ms: number,
  now: () => Date,
  work: () => Promise<T>,
): Promise<T | null> {
  const holder = randomUUID();
  const at = now();
  const claimed = await db.sql<{ holder: string }>(CLAIM, [name, holder, new Date(at.getTime() + ms), at]);
  if (claimed.length === 0) return null;
  try {
    return await work();
  } finally {
    await db.sql('DELETE FROM "Lease" WHERE "name" = $1 AND "holder" = $2', [name, holder]);
  }
}
