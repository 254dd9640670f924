// Every request's id and its one line in the log. Written for this service instead of
// pino-http, which built a logger for each request up front — serializing the request,
// its headers and its query string, then redacting them — even when nothing was written
// with it: a tenth of the hottest webhook's time. Here the request's logger is made
// only when something logs through it, and the finished line only when its level is on.
import { randomUUID } from 'node:crypto';
import type { Express, RequestHandler, Request } from 'express';
import { loggableUrl, type Logger } from '../core/logger.js';

// A client's or gateway's own id is kept when it looks like one.
const REQUEST_ID = /^[\w.-]{8,64}$/;
const OWN_LOGGER = Symbol('the request’s logger');

/** What a log line says about its request: no headers, no body, the query's personal values replaced. */
function describeRequest(req: Request) {
  return {
    id: req.id,
    method: req.method,
    url: loggableUrl(req.originalUrl),
    remoteAddress: req.socket.remoteAddress,
    remotePort: req.socket.remotePort,
  };
}

/**
 * Names each request (`req.id`, answered as X-Request-Id), gives it `req.log` (lines
 * carrying `reqId` and the request), and writes one line at info when it ends: "request
 * completed" with its status and duration in ms, or "request aborted" when the client
 * went first. Paths in `quiet` (health checks, scrapes) write none.
 */
export function requestLogging(app: Express, logger: Logger, quiet: ReadonlySet<string>): RequestHandler {
  // On the app's request prototype, once: the logger is made the first time a request uses it.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request & { [OWN_LOGGER]?: Logger }) {
      return (this[OWN_LOGGER] ??= logger.child({ reqId: this.id, req: describeRequest(this) }));
    },
  });
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (quiet.has(req.url)) return next();

    const startedAt = performance.now();
    // 'close' comes last, whether the response was sent or the client went first.
    res.once('close', () => {
      // At info, whatever the status: what went wrong is logged where it went wrong, with its error.
      if (!logger.isLevelEnabled('info')) return;
      const sent = res.writableFinished;
      const own = (req as { [OWN_LOGGER]?: Logger })[OWN_LOGGER];
      (own ?? logger).info(
        {
          ...(own ? {} : { reqId: id, req: describeRequest(req) }),
          res: { statusCode: sent ? res.statusCode : null }, // nothing was sent to a client that went first
          responseTime: Math.round(performance.now() - startedAt),
        },
        sent ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
