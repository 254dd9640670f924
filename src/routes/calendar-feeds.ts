import { type Request, Router } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import type { AppContext } from '../main/context.js';
import {
  feedsOf,
  feedUrl,
  findFeedByToken,
  regenerateFeed,
  renderFeed,
  showFullNames,
} from '../diary/calendar-feeds.js';
import { body, ids } from '../http/input.js';
import { wire } from '../http/wire.js';
import type { CalendarFeedList } from '../contracts/api.js';

/** GET /ical/<token>.ics: what calendar apps subscribe to. The token is the only credential. */
export function publicFeedRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/:file', async (req, res) => {
    const match = /^([\w.-]+)\.ics$/.exec(req.params.file);
    const feed = match ? await findFeedByToken(ctx.db.prisma, ctx.config.sessionSecret, match[1]!) : null;
    if (!feed) {
      res.status(404).type('text/plain').send('No such calendar (the link may have been regenerated).');
      return;
    }
    res
      .set('Cache-Control', 'private, max-age=300')
      .type('text/calendar; charset=utf-8')
      .send(await renderFeed(ctx.db.prisma, feed, ctx.clock()));
  });
  return router;
}

/** The owner's view of the feeds: links, regenerate (old link dies), initials or full names. */
export function feedAdminRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const present = (f: {
    id: string;
    version: number;
    practitionerId: string | null;
    showFullNames: boolean;
    practitionerName?: string | null;
  }) => ({
    id: f.id,
    practitionerId: f.practitionerId,
    practitionerName: f.practitionerName ?? null,
    showFullNames: f.showFullNames,
    url: feedUrl(ctx.config.publicBaseUrl, ctx.config.sessionSecret, f),
  });
  const feedOf = (req: Request) => ids(req, { feedId: 'calendar feed' }).feedId;

  router.get('/calendar-feeds', requireOwner, async (req, res) => {
    res.json(
      wire({ feeds: (await feedsOf(prisma, req.membership!.clinicId)).map(present) }) satisfies CalendarFeedList,
    );
  });
  router.post('/calendar-feeds/:feedId/regenerate', requireOwner, async (req, res) => {
    res.json(present(await regenerateFeed(prisma, req.membership!.clinicId, feedOf(req), actorOf(req))));
  });
  router.patch('/calendar-feeds/:feedId', requireOwner, async (req, res) => {
    const id = feedOf(req);
    const { showFullNames: show } = body(
      req,
      z.strictObject({ showFullNames: z.boolean({ error: 'must be true or false' }) }),
    );
    res.json(present(await showFullNames(prisma, req.membership!.clinicId, id, actorOf(req), show)));
  });
  return router;
}
