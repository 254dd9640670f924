import type { Prisma } from '../db/database.js';
import { type JobKind, queueJob } from './kinds.js';

/** The kinds that run on a schedule, each scheduling its own next run. */
export type PeriodicKind = Extract<JobKind, 'recordings.reconcile' | 'retention.purge' | 'stats.close-days'>;

/**
 * Schedules the run of `kind` for the time slot `now` falls in (or the next one).
 * Every instance calls this at start and each run schedules the next; the slot's
 * dedupe key makes it one job, so the work runs once across instances.
 */
export async function schedulePeriodic(
  prisma: Prisma,
  kind: PeriodicKind,
  everyMs: number,
  now: Date,
  next = false,
): Promise<void> {
  const slot = Math.floor(now.getTime() / everyMs) * everyMs + (next ? everyMs : 0);
  await queueJob(prisma, kind, {}, { dedupeKey: `${kind}:${new Date(slot).toISOString()}`, runAt: new Date(slot) });
}

/** A job handler that does `work` and schedules its own next run. */
export const periodic =
  (prisma: () => Prisma, kind: PeriodicKind, everyMs: number, clock: () => Date, work: () => Promise<void>) =>
  async () => {
    await work();
    await schedulePeriodic(prisma(), kind, everyMs, clock(), true);
  };
