import pino, { type Logger } from 'pino';

export type { Logger };

// E.164 numbers, also URL-encoded (%2B) as they appear in query strings. Keep the
// first two digits and the last two, enough to tell calls apart.
const PHONE = /(\+|%2B)([1-9]\d)(\d{3,11})(\d{2})\b/gi;

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, (_n, plus: string, head: string, middle: string, tail: string) => `${plus}${head}${'•'.repeat(middle.length)}${tail}`);
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
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
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhoneNumbers(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
