// /metrics and the request histogram. Off unless configured: on a port of its own
// (METRICS_PORT, bound to METRICS_HOST: a load balancer in front of PORT never reaches
// it), or on the public port to a scraper sending METRICS_TOKEN as a bearer token — for
// hosts that give a process one port only.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { MetricsConfig } from '../core/config.js';
import type { ServiceMetrics } from './service-metrics.js';

/** The route label of a request no route matched (a static file, an unknown path). */
export const UNMATCHED = 'unmatched';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const metricsEnabled = (config: MetricsConfig): boolean =>
  config.token !== undefined || config.port !== undefined;

/** Times each request into the histogram once it is answered, by the route template it matched. */
export function countRequests(metrics: ServiceMetrics): RequestHandler {
  const { requests } = metrics;
  return (req, res, next) => {
    const started = performance.now();
    const route = watchRoute(req);
    // `on`, not `once`: a response finishes once, and once's wrapper was a cost of its own.
    res.on('finish', () => {
      requests.observe(
        {
          method: METHODS.has(req.method) ? req.method : 'other',
          route: route(),
          status_class: `${Math.floor(res.statusCode / 100)}xx`,
        },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

/**
 * The template of the route a request matched ("/api/clinics/:clinicId/queue"). Express
 * sets req.route as a route matches, while req.baseUrl holds where its router is mounted
 * with the values in place and req.params names them; they are kept then, since a router
 * puts both back as the request leaves it (an error answered further out, say). The
 * setter that keeps them sits on the app's own request prototype, once per app (one per
 * request cost more than the rest of the histogram together); whoever asks (the request
 * histogram, a trace's span name) reads what it kept.
 */
export function watchRoute(req: Request): () => string {
  const prototype = Object.getPrototypeOf(req) as object;
  if (!watched.has(prototype)) {
    Object.defineProperty(prototype, 'route', {
      configurable: true,
      enumerable: true,
      get(this: Matching) {
        return this[MATCHED]?.route;
      },
      // One property with all three: each property added to a request cost more than the object.
      set(this: Matching, route: { path?: unknown } | undefined) {
        this[MATCHED] = route ? { route, baseUrl: this.baseUrl, params: this.params } : undefined;
      },
    });
    watched.add(prototype);
  }
  return () => {
    const matched = (req as unknown as Matching)[MATCHED];
    return matched ? keptTemplate(matched.baseUrl, matched.params, matched.route.path) : UNMATCHED;
  };
}

/**
 * routeTemplate, kept once made for a route whose mount point names no parameter (the
 * webhooks, /health): the same few strings at every request, where making them again was
 * the larger half of what the histogram cost a call. Templates with parameters are made
 * each time, since their mount point holds the values (a clinic's id) and keeping them
 * would keep a key per clinic. The mount point's letters are the client's, so keys are
 * bounded: past KEPT_TEMPLATES, a template is made and not kept.
 */
export function keptTemplate(baseUrl: string, params: Record<string, unknown> | undefined, path: unknown): string {
  if (typeof path !== 'string' || namesAny(params)) return routeTemplate(baseUrl, params, path);
  const key = `${baseUrl}\n${path}`;
  let template = keptTemplates.get(key);
  if (template === undefined) {
    template = routeTemplate(baseUrl, params, path);
    if (keptTemplates.size < KEPT_TEMPLATES) keptTemplates.set(key, template);
  }
  return template;
}
export const KEPT_TEMPLATES = 1_000;
const keptTemplates = new Map<string, string>();
const namesAny = (params: Record<string, unknown> | undefined) => {
  for (const name in params) if (Object.hasOwn(params, name)) return true;
  return false;
};
const watched = new WeakSet<object>();
const MATCHED = Symbol('the route matched, and where');
type Matching = {
  [MATCHED]?: { route: { path?: unknown }; baseUrl: string; params: Record<string, unknown> | undefined };
  baseUrl: string;
  params?: Record<string, unknown>;
};

/** A route's full template from its router's mount point (values in it named by `params`) and its own path. */
export function routeTemplate(baseUrl: string, params: Record<string, unknown> | undefined, path: unknown): string {
  const names = new Map(Object.entries(params ?? {}).map(([name, value]) => [value, name]));
  const base = baseUrl
    .split('/')
    .map((part) => {
      if (part === '') return part;
      const name = names.get(decoded(part));
      if (name !== undefined) return `:${name}`;
      // A mount path's own words, in one case (Express matches /API/cLiNiCs as /api/clinics:
      // the client's capitals must not multiply the series); any other value is never a label.
      return /^[A-Za-z_-]+$/.test(part) ? part.toLowerCase() : ':param';
    })
    .join('/');
  const own = typeof path === 'string' ? path : String(path);
  // A router's own root ("/api/clinics/:clinicId" + "/") is its mount point.
  return own === '/' && base !== '' ? base : base + own;
}

const decoded = (part: string) => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

/**
 * GET /metrics on the public port: answered only with METRICS_TOKEN set (and no port of
 * their own), to the bearer of that token; 404 otherwise, as if there were no such page.
 */
export function metricsOnPublicPort(config: MetricsConfig, metrics: ServiceMetrics | undefined): Router {
  const router = express.Router();
  if (!metrics || config.port !== undefined || config.token === undefined)
    router.get(['/metrics', '/metrics/jobs'], (_req, res) => void res.status(404).type('text/plain').send('Not found'));
  else operatorPages(router, metrics, config.token);
  return router;
}

/** /metrics for Prometheus and /metrics/jobs for a person, both to the token's bearer when there is one. */
function operatorPages(router: Router, metrics: ServiceMetrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  router.use(['/metrics', '/metrics/jobs'], (req, res, next) => {
    if (!expected || bears(req.get('authorization'), expected)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send('Unauthorized');
  });
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.scrape();
    res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' }).send(body);
  });
  router.get('/metrics/jobs', async (req, res) => {
    const filter = jobsFilter(req.query);
    if ('error' in filter) return void res.status(400).json(filter);
    res.set('Cache-Control', 'no-store').json({ jobs: await metrics.failedJobs(filter) });
  });
}

/** ?kind=text.send&limit=20, as `jobs:list --failed --kind … --limit …` takes them. */
function jobsFilter(
  query: Record<string, unknown>,
): { kind?: string; limit: number } | { error: string; field: string } {
  const { kind, limit } = query;
  if (kind !== undefined && (typeof kind !== 'string' || !/^[a-z][a-z0-9.-]{0,63}$/.test(kind)))
    return { error: 'kind: must be a job kind, like text.send', field: 'kind' };
  const count = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(count) || count < 1 || count > 500)
    return { error: 'limit: must be a whole number from 1 to 500', field: 'limit' };
  return { ...(kind ? { kind } : {}), limit: count };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the Authorization header carries the token; compared as digests, so in the same time whatever was sent. */
function bears(header: string | undefined, expected: Buffer): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(sent), expected);
}

export interface ScrapeListener {
  url: string;
  close(): Promise<void>;
}

/** /metrics on a listener of its own (METRICS_PORT on METRICS_HOST); METRICS_TOKEN, if set, is asked for there too. */
export async function listenForScrapes(
  metrics: ServiceMetrics,
  config: MetricsConfig & { port: number },
): Promise<ScrapeListener> {
  const app = express();
  app.disable('x-powered-by');
  const pages = express.Router();
  operatorPages(pages, metrics, config.token);
  app.use(pages);
  app.use((_req, res) => void res.status(404).type('text/plain').send('Not found'));
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
