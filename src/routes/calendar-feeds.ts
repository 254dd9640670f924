import { Router } from 'express';
import { z } from 'zod';
import { actorOf, requireOwner } from '../http/auth.js';
import { recordAudit } from '../core/audit.js';
import type { AppContext } from '../main/context.js';
import { notFound, parseInput } from '../http/errors.js';
import { feedsOf, feedUrl, findFeedByToken, renderFeed } from '../diary/calendar-feeds.js';

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
    res.set('Cache-Control', 'private, max-age=300').type('text/calendar; charset=utf-8').send(await renderFeed(ctx.db.prisma, feed, ctx.clock()));
  });
  return router;
}

/** The owner's view of the feeds: links, regenerate (old link dies), initials or full names. */
export function feedAdminRoutes(ctx: AppContext): Router {
  const router = Router({ mergeParams: true });
  const prisma = ctx.db.prisma;
  const present = (f: { id: string; version: number; practitionerId: string | null; showFullNames: boolean; practitionerName?: string | null }) => ({
    id: f.id,
    practitionerId: f.practitionerId,
    practitionerName: f.practitionerName ?? null,
    showFullNames: f.showFullNames,
    url: feedUrl(ctx.config.publicBaseUrl, ctx.config.sessionSecret, f),
  });
  const feedOf = async (clinicId: string, id: string) => {
    const feed = z.uuid().safeParse(id).success ? await prisma.calendarFeed.findFirst({ where: { id, clinicId } }) : null;
    if (!feed) throw notFound('No such calendar feed');
    return feed;
  };

  router.get('/calendar-feeds', requireOwner, async (req, res) => {
    res.json({ feeds: (await feedsOf(prisma, req.membership!.clinicId)).map(present) });
  });
  router.post('/calendar-feeds/:feedId/regenerate', requireOwner, async (req, res) => {
    const feed = await feedOf(req.membership!.clinicId, String(req.params.feedId));
    const updated = await prisma.calendarFeed.update({ where: { id: feed.id }, data: { version: { increment: 1 } } });
    await recordAudit(prisma, { actor: actorOf(req), action: 'calendar_feed.regenerated', clinicId: feed.clinicId, subject: { type: 'calendar_feed', id: feed.id } });
    res.json(present(updated));
  });
  router.patch('/calendar-feeds/:feedId', requireOwner, async (req, res) => {
    const feed = await feedOf(req.membership!.clinicId, String(req.params.feedId));
    const { showFullNames } = parseInput(z.strictObject({ showFullNames: z.boolean({ error: 'must be true or false' }) }), req.body);
    const updated = await prisma.calendarFeed.update({ where: { id: feed.id }, data: { showFullNames } });
    await recordAudit(prisma, { actor: actorOf(req), action: 'calendar_feed.changed', clinicId: feed.clinicId, subject: { type: 'calendar_feed', id: feed.id }, details: { showFullNames } });
    res.json(present(updated));
  });
  return router;
}
