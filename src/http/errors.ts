import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  Conflict,
  DomainError,
  Gone,
  InvalidInput,
  NotAllowed,
  NotFound,
  NotPossible,
  NotSignedIn,
  TooMany,
  Unavailable,
  UpstreamFailed,
} from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** Each kind of domain error's status code: the one place the API's answers are decided. */
const STATUS: Array<[abstract new (...args: never[]) => DomainError, number]> = [
  [InvalidInput, 400],
  [NotSignedIn, 401],
  [NotAllowed, 403],
  [NotFound, 404],
  [Conflict, 409],
  [Gone, 410],
  [NotPossible, 422],
  [TooMany, 429],
  [UpstreamFailed, 502],
  [Unavailable, 503],
];

export const statusOf = (err: DomainError): number => STATUS.find(([kind]) => err instanceof kind)?.[1] ?? 500;

export const apiNotFound: RequestHandler = (req, _res, next) =>
  next(new NotFound(`No such endpoint: ${req.method} ${req.path}`));

/** The one JSON error handler for /api: expected errors as they are, the rest as a bare 500 with the request id. */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof DomainError) {
      if (err instanceof TooMany) res.set('Retry-After', String(err.retryAfterSeconds));
      const issues = err instanceof InvalidInput ? err.issues : undefined;
      res
        .status(statusOf(err))
        .json({ error: { code: err.code, message: err.message, field: err.field, issues, ...err.details } });
      return;
    }
    // body-parser's own errors (bad JSON, too large) carry a status and are the client's fault.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      res.status(status).json({
        error: {
          code: err.type ?? 'bad_request',
          message: status === 413 ? 'Request body too large' : 'Malformed request body',
        },
      });
      return;
    }
    // Overload (no connection or transaction slot within its wait): say so, and when to try again.
    if (
      (err as { code?: string })?.code === 'P2028' ||
      /timeout exceeded when trying to connect/.test(String((err as Error)?.message))
    ) {
      (req.log ?? logger).warn({ err: { message: (err as Error).message } }, 'database busy; answered 503');
      res
        .status(503)
        .set('Retry-After', '2')
        .json({ error: { code: 'busy', message: 'The service is very busy just now; please try again in a moment.' } });
      return;
    }
    (req.log ?? logger).error({ err }, 'unexpected error');
    res.status(500).json({
      error: {
        code: 'internal',
        message: 'Something went wrong on our side. Quote request id ' + String(req.id) + ' if you report it.',
      },
    });
  };
}
