import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';

/** An expected failure, answered as JSON: `{ error: { code, message, field? } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** More for the client beside code and message (e.g. the free alternatives to a taken slot). */
  extra?: Record<string, unknown>;
}

export const notFound = (what = 'Not found'): HttpError => new HttpError(404, 'not_found', what);

/** Validates with zod; a bad request names every field that is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message }));
  const first = issues[0]!;
  const error = new HttpError(400, 'invalid_input', first.field ? `${first.field}: ${first.message}` : first.message, first.field);
  (error as HttpError & { issues?: unknown }).issues = issues;
  throw error;
}

export const apiNotFound: RequestHandler = (req, _res, next) => next(notFound(`No such endpoint: ${req.method} ${req.path}`));

/** The one JSON error handler for /api: expected errors as they are, the rest as a bare 500 with the request id. */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.set(err.headers);
      const issues = (err as HttpError & { issues?: unknown }).issues;
      res.status(err.status).json({ error: { code: err.code, message: err.message, field: err.field, issues, ...err.extra } });
      return;
    }
    // body-parser's own errors (bad JSON, too large) carry a status and are the client's fault.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      res.status(status).json({ error: { code: err.type ?? 'bad_request', message: status === 413 ? 'Request body too large' : 'Malformed request body' } });
      return;
    }
    // Overload (no connection or transaction slot within its wait): say so, and when to try again.
    if ((err as { code?: string })?.code === 'P2028' || /timeout exceeded when trying to connect/.test(String((err as Error)?.message))) {
      (req.log ?? logger).warn({ err: { message: (err as Error).message } }, 'database busy; answered 503');
      res.status(503).set('Retry-After', '2').json({ error: { code: 'busy', message: 'The service is very busy just now; please try again in a moment.' } });
      return;
    }
    (req.log ?? logger).error({ err }, 'unexpected error');
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side. Quote request id ' + String(req.id) + ' if you report it.' } });
  };
}
