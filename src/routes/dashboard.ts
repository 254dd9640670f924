import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { appRoot } from '../core/paths.js';

export const webDistDir = path.join(appRoot, 'web/dist');

/**
 * Serves the dashboard's build; any other page path gets index.html, where the client routes it.
 * Source maps are for developers: production answers 404 for them.
 */
export function dashboardRoutes(options: { sourceMaps: boolean }, distDir = webDistDir): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
  if (!options.sourceMaps)
    router.get(/\.map$/, (_req, res) => void res.status(404).type('text/plain').send('Not found'));
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|twilio\/).*/, (_req, res) => {
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The dashboard has not been built. Run `npm run build:web` (npm install does it).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
