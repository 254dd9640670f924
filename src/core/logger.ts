import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { logContext } from './log-context.js';

export type { Logger };

// E.164 numbers, also URL-encoded (%2B) as they appear in query strings. Keep the
// first two digits and the last two, enough to tell calls apart.
const PHONE = /(\+|%2B)([1-9]\d)(\d{3,11})(\d{2})\b/gi;

export function maskPhoneNumbers(text: string): string {
  return text.replace(
    PHONE,
    (_n, plus: string, head: string, middle: string, tail: string) =>
      `${plus}${head}${'•'.repeat(middle.length)}${tail}`,
  );
}

// Query values that name no one, kept in request logs; every other value (a search for a
// patient's name, a caller's number however it is written) is replaced.
const PLAIN_QUERY_KEYS = new Set([
  'from',
  'to',
  'date',
  'view',
  'limit',
  'outcome',
  'action',
  'actor',
  'staff',
  'before',
  'download',
  'call',
  'attempt',
  'silence',
  'type',
  'typeId',
  'practitionerId',
  'after',
]);

// A calendar feed's URL is its only credential (/ical/<token>.ics).
const FEED_TOKEN = /^\/ical\/[^/?]+/;

/** A request's URL for the logs: its path (a feed's token replaced), and a query string whose personal values are replaced. */
export function loggableUrl(url: string): string {
  if (FEED_TOKEN.test(url)) url = url.replace(FEED_TOKEN, '/ical/[redacted]');
  const at = url.indexOf('?');
  if (at === -1) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  const kept = [...query].map(
    ([key, value]) =>
      `${encodeURIComponent(key)}=${PLAIN_QUERY_KEYS.has(key) ? encodeURIComponent(value) : '[redacted]'}`,
  );
  return `${url.slice(0, at)}?${kept.join('&')}`;
}

/** Structured JSON logs with secrets redacted and phone numbers masked wherever they appear. */
export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-twilio-signature"]',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          'password',
          '*.password',
        ],
        censor: '[redacted]',
      },
      mixin: (_fields, _level, logger) => aboutWhat(logger),
      // On the finished line, after every serializer has run: masking the objects before
      // serializing (as once done) flattened the HTTP response and lost its status code.
      hooks: { streamWrite: maskPhoneNumbers },
    },
    options.destination,
  );
}

/**
 * The request (`reqId`, the X-Request-Id answer header) or job (`jobId`, `jobKind`) a
 * line was written in, and the trace it belongs to when tracing is on: on every line,
 * including those written through the app's logger deep inside a webhook or a job.
 * A request's own logger (`req.log`, src/http/request-log.ts) already carries `reqId`.
 */
function aboutWhat(logger: Logger): Record<string, string> {
  const about: Record<string, string> = {};
  const context = logContext();
  if (context?.requestId && !boundFields(logger).includes('"reqId":')) about.reqId = context.requestId;
  if (context?.jobId) about.jobId = context.jobId;
  if (context?.jobKind) about.jobKind = context.jobKind;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    about.traceId = span.traceId;
    about.spanId = span.spanId;
  }
  return about;
}

/** The fields a child logger was made with, as pino keeps them: a JSON fragment. */
const boundFields = (logger: Logger): string =>
  ((logger as unknown as Record<symbol, unknown>)[pino.symbols.chindingsSym] as string | undefined) ?? '';
