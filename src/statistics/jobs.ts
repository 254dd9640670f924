import type { AppContext } from '../context.js';
import type { Prisma } from '../db/database.js';
import { enqueueJob, type JobHandler } from '../jobs/runner.js';
import { closeDays } from './statistics.js';

const EVERY_MS = 6 * 3_600_000;

/**
 * Schedules the run of the six-hour slot `now` falls in. Every instance calls this at
 * start and every run schedules the next; the slot's dedupe key makes it one job.
 */
export async function scheduleClosingDays(prisma: Prisma, now: Date, next = false): Promise<void> {
  const slot = Math.floor(now.getTime() / EVERY_MS) * EVERY_MS + (next ? EVERY_MS : 0);
  await enqueueJob(prisma, 'stats.close-days', {}, { dedupeKey: `stats.close-days:${new Date(slot).toISOString()}`, runAt: new Date(slot) });
}

export const statisticsJobs = (ctx: AppContext): Record<string, JobHandler> => ({
  'stats.close-days': async () => {
    const stored = await closeDays(ctx.db.prisma, ctx.clock());
    if (stored > 0) ctx.logger.info({ days: stored }, 'stored daily call totals');
    await scheduleClosingDays(ctx.db.prisma, ctx.clock(), true);
  },
});
