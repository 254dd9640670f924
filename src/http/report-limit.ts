// Reports and exports (statistics, the call log's CSV, the clinic's and a patient's
// exports) read a lot. Each person may have one running at a time on an instance and
// a few a minute across all of them, so no one — a hostile owner looping the heaviest
// report, or a stuck browser — can crowd out the phone line on a shared database.
import type { RequestHandler } from 'express';
import type { AppContext } from '../main/context.js';
import type { Limit } from '../accounts/rate-limit.js';
import { takeAttempt } from '../accounts/throttle.js';
import { TooMany } from '../core/errors.js';

export const REPORTS_PER_PERSON: Limit = { points: 30, windowMs: 60_000 };

/** One limiter per app: every report route shares it, so a person's reports are counted together. */
export function reportLimiter(ctx: AppContext): RequestHandler {
  const running = new Set<string>();
  return async (req, res, next) => {
    const userId = req.session!.user.id;
    if (running.has(userId)) {
      throw new TooMany(
        'report_running',
        'Your previous report is still being prepared; try again once it has finished.',
        5,
      );
    }
    await takeAttempt(
      ctx.db.prisma,
      [[`report:user:${userId}`, REPORTS_PER_PERSON]],
      ctx.clock(),
      'reports and exports in a minute',
    );
    running.add(userId);
    const done = () => running.delete(userId);
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
