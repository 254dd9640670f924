// A span for each request answered, named by the route it matched ("POST
// /twilio/voice/:callId/:step"), never by a URL carrying ids or numbers.
import type { Context } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';
import { contextFromTraceParent, tracer } from '../core/tracing.js';
import { watchRoute } from '../metrics/http.js';

/**
 * Traces requests: under the trace `parentOf` names (a call's, for Twilio's webhooks), else
 * the one a traceparent header names (a gateway's), else a new one. Requests under `skip`
 * are left to a tracer further in (the Twilio router's, once it has read the Call SID).
 */
export function traceRequests(
  options: { parentOf?: (req: Request) => Context | undefined; skip?: string } = {},
): RequestHandler {
  return (req, res, next) => {
    if (options.skip && req.path.startsWith(options.skip)) return next();
    const parent = options.parentOf?.(req) ?? contextFromTraceParent(req.headers);
    const span = tracer().startSpan(
      `${req.method} request`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const route = watchRoute(req);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.updateName(`${req.method} ${route()}`);
      span.setAttribute('http.route', route());
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(parent, span), next);
  };
}
