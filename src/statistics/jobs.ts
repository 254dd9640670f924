import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { periodic, schedulePeriodic } from '../jobs/periodic.js';
import type { JobHandlers } from '../jobs/kinds.js';
import { closeDays } from './statistics.js';

const EVERY_MS = 6 * 3_600_000;

/** The six-hourly run that keeps closed days' totals (see closeDays). */
export const scheduleClosingDays = (prisma: Prisma, now: Date, next = false) =>
  schedulePeriodic(prisma, 'stats.close-days', EVERY_MS, now, next);

export const statisticsJobs = (
  deps: Pick<Services, 'db' | 'clock' | 'logger'>,
): Pick<JobHandlers, 'stats.close-days'> => ({
  'stats.close-days': periodic(
    () => deps.db.prisma,
    'stats.close-days',
    EVERY_MS,
    deps.clock,
    async () => {
      const stored = await closeDays(deps.db.prisma, deps.clock());
      if (stored > 0) deps.logger.info({ days: stored }, 'stored daily call totals');
    },
  ),
});
