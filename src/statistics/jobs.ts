import type { AppContext } from '../context.js';
import type { Prisma } from '../db/database.js';
import { periodic, schedulePeriodic } from '../jobs/periodic.js';
import type { JobHandler } from '../jobs/runner.js';
import { closeDays } from './statistics.js';

const EVERY_MS = 6 * 3_600_000;

/** The six-hourly run that keeps closed days' totals (see closeDays). */
export const scheduleClosingDays = (prisma: Prisma, now: Date, next = false) => schedulePeriodic(prisma, 'stats.close-days', EVERY_MS, now, next);

export const statisticsJobs = (ctx: AppContext): Record<string, JobHandler> => ({
  'stats.close-days': periodic(() => ctx.db.prisma, 'stats.close-days', EVERY_MS, ctx.clock, async () => {
    const stored = await closeDays(ctx.db.prisma, ctx.clock());
    if (stored > 0) ctx.logger.info({ days: stored }, 'stored daily call totals');
  }),
});
