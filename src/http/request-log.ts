// Every request's id and its one line in the log. Written for this service instead of
// pino-http, which built a logger for each request up front — serializing the request,
// its headers and its query string, then redacting them — even when nothing was written
// with it: a tenth of the hottest webhook's time. Here the request's logger is made
// only when something logs through it, and the finished line only when its level is on.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Request } from 'express';
import { loggableUrl, type Logger } from '../core/logger.js';

// A client's or gateway's own id is kept when it looks like one.
const REQUEST_ID = /^[\w.-]{8,64}$/;

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
 * carrying `reqId` and the request), and writes one line when it ends: "request
 * completed" with its status and duration in ms, at error level for a 5xx, or "request
 * aborted" when the client went first. Paths in `quiet` (health checks, scrapes) write none.
 */
export function requestLogging(logger: Logger, quiet: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => (log ??= logger.child({ reqId: id, req: describeRequest(req) })),
    });
    if (quiet.has(req.url)) return next();

    const startedAt = performance.now();
    const ended = () => {
      res.off('finish', ended);
      res.off('close', ended);
      const level = !res.writableFinished ? 'info' : res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      (log ?? logger)[level](
        {
          ...(log ? {} : { reqId: id, req: describeRequest(req) }),
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - startedAt),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    };
    res.on('finish', ended);
    res.on('close', ended);
    next();
  };
}
