// The one place environment variables are read. Everything else takes a Config.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';

export class ConfigError extends Error {}

const sid = (prefix: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio ${what} (${prefix} followed by 32 hex digits)`);

/** `NAME=` with nothing after it reads as unset (an empty METRICS_PORT is not port 0). */
const unsetWhenEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'must be development, production or test' })
    .default('development'),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0)
    .max(65535, 'must be at most 65535')
    .default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  PUBLIC_BASE_URL: httpUrl
    .refine((u) => {
      const p = new URL(u);
      return (p.pathname === '/' || p.pathname === '') && !p.search && !p.hash;
    }, 'must be an origin only, like https://phone.example.com (no path or query)')
    .transform((u) => new URL(u).origin)
    .optional(),
  TRUST_PROXY: z.string().optional(),
  TWILIO_ACCOUNT_SID: sid('AC', 'Account SID').optional(),
  TWILIO_AUTH_TOKEN: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits (the Auth Token on the Twilio console)')
    .optional(),
  TWILIO_API_KEY: sid('SK', 'API key SID').optional(),
  TWILIO_API_SECRET: z.string().min(16, 'must be the API key secret (at least 16 characters)').optional(),
  TWILIO_TWIML_APP_SID: sid('AP', 'TwiML App SID').optional(),
  TWILIO_API_BASE_URL: httpUrl.transform((u) => u.replace(/\/+$/, '')).default('https://api.twilio.com'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 48)').optional(),
  RECORDINGS_KEY: z
    .string()
    .refine(
      (k) => decodeKey(k) !== undefined,
      'must be 32 bytes as 64 hex digits or base64 (try: openssl rand -base64 32)',
    )
    .optional(),
  // The phone simulator: on by default outside production without real Twilio credentials (src/simulator/mode.ts).
  SIMULATOR: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // How long a background job is one instance's before another may take it over (a crashed instance's jobs wait this long).
  JOBS_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // How long an idle HTTP connection stays open: longer than a load balancer's own idle timeout (AWS ALB's and nginx's are 60 s).
  KEEP_ALIVE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1 second')
    .max(7200, 'must be at most 7200 seconds')
    .default(65),
  // Email for people (invitations, set-password links). Messages never echo the value: the URL holds a password.
  SMTP_URL: unsetWhenEmpty(
    z
      .string()
      .refine(
        isSmtpUrl,
        'must be an smtp:// or smtps:// URL with a host, like smtp://user:password@mail.example.com:587',
      )
      .optional(),
  ),
  MAIL_FROM: unsetWhenEmpty(
    z.string().refine(isOneAddress, 'must be one address, like "Clinic line <noreply@example.org>"').optional(),
  ),
  // Prometheus metrics (src/metrics/): off unless one of these is set. The token is never repeated in a message.
  METRICS_TOKEN: unsetWhenEmpty(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._~+/=-]{32,}$/,
        'must be at least 32 characters of letters, digits and ._~+/=- (try: openssl rand -hex 32)',
      )
      .optional(),
  ),
  METRICS_PORT: unsetWhenEmpty(
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(0)
      .max(65535, 'must be at most 65535')
      .optional(),
  ),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  publicBaseUrl: string;
  trustProxy: boolean | number | string;
  twilio: {
    accountSid?: string;
    authToken?: string;
    apiKey?: string;
    apiSecret?: string;
    twimlAppSid?: string;
    apiBaseUrl: string;
  };
  /** Undefined only until ensureSecrets() has run for a lone development instance. */
  sessionSecret?: string;
  recordingsKey?: Buffer;
  logLevel: string;
  jobLeaseSeconds: number;
  /** Idle HTTP connections are closed after this long (KEEP_ALIVE_SECONDS). */
  keepAliveSeconds: number;
  simulator?: 'on' | 'off';
  /** Email is sent only when SMTP_URL is set; without it, links are passed on by hand. */
  mail?: MailConfig;
  metrics: MetricsConfig;
  /** Undefined unless the standard OTEL_* variables ask for traces (src/main/tracing.ts). */
  tracing?: TracingConfig;
}

/** Where spans go; the exporter reads its own OTEL_EXPORTER_OTLP_* settings. */
export interface TracingConfig {
  exporter: 'otlp' | 'console';
}

/**
 * OpenTelemetry's own variables decide: off unless OTEL_TRACES_EXPORTER names an exporter
 * or an OTLP endpoint is given (the specification's default exporter would otherwise post
 * every span to localhost:4318 on every instance that never asked for tracing).
 */
export function tracingConfig(env: NodeJS.ProcessEnv): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const otlp = () => {
    if (protocol && protocol !== 'http/json')
      throw new ConfigError(
        `OTEL_EXPORTER_OTLP_PROTOCOL: must be http/json (sent to the collector's HTTP port, usually 4318), not ${JSON.stringify(protocol)}`,
      );
    return { exporter: 'otlp' as const };
  };
  if (named.length === 0)
    return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? otlp() : undefined;
  if (named.length > 1 || !['otlp', 'console', 'none'].includes(named[0]!))
    throw new ConfigError('OTEL_TRACES_EXPORTER: must be one of otlp, console or none');
  if (named[0] === 'none') return undefined;
  return named[0] === 'otlp' ? otlp() : { exporter: 'console' };
}

/**
 * Where /metrics is served, if anywhere: with `port`, on a listener of its own bound to
 * `host` (and never on the public port); else with `token`, on the public port to a
 * scraper that sends it as a bearer token. Neither: nowhere.
 */
export interface MetricsConfig {
  /** Never logged. */
  token?: string;
  port?: number;
  host: string;
}

export interface MailConfig {
  /** smtp:// or smtps://, with the user and password in it: never logged. */
  smtpUrl: string;
  /** Who the emails come from: "Clinic line <noreply@example.org>". */
  from: string;
}

export type ReadyConfig = Config & { sessionSecret: string; recordingsKey: Buffer };

/** Where the database is: all that `npm run db:migrate` and the operator's commands need. */
export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

const parseEnv = <S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  return parsed.data;
};

/**
 * Only DATABASE_URL and DATA_DIR: the migration and operator commands open the database
 * and nothing else, so they must not ask for the server's secrets.
 */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const e = parseEnv(envSchema.pick({ DATABASE_URL: true, DATA_DIR: true }), env);
  return { databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR) };
}

/** The address staff open, and whether it is only the local default (PUBLIC_BASE_URL unset). */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): { url: string; assumed: boolean } {
  const e = parseEnv(envSchema.pick({ PUBLIC_BASE_URL: true, PORT: true }), env);
  return e.PUBLIC_BASE_URL
    ? { url: e.PUBLIC_BASE_URL, assumed: false }
    : { url: `http://localhost:${e.PORT || 3000}`, assumed: true };
}

/** SMTP_URL and MAIL_FROM, or undefined when email is off: the server and the operator's commands both send. */
export function mailConfig(env: NodeJS.ProcessEnv = process.env): MailConfig | undefined {
  const e = parseEnv(envSchema.pick({ SMTP_URL: true, MAIL_FROM: true }), env);
  if (!e.SMTP_URL) return undefined;
  if (!e.MAIL_FROM)
    throw new ConfigError(
      'MAIL_FROM: required when SMTP_URL is set (the address emails come from, like "Clinic line <noreply@example.org>")',
    );
  return { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM };
}

/** Reads and validates the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envSchema, env);
  const production = e.NODE_ENV === 'production';
  // Several instances (DATABASE_URL) or a real deployment must share these, so
  // they can't be made up per process.
  if (production || e.DATABASE_URL) {
    const why = production ? 'NODE_ENV=production' : 'DATABASE_URL is set (every instance must share it)';
    if (!e.SESSION_SECRET) throw new ConfigError(`SESSION_SECRET: required when ${why}`);
    if (!e.RECORDINGS_KEY) throw new ConfigError(`RECORDINGS_KEY: required when ${why}`);
  }
  if (production && !e.PUBLIC_BASE_URL)
    throw new ConfigError(
      'PUBLIC_BASE_URL: required when NODE_ENV=production (Twilio signatures are checked against it)',
    );
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT)
    throw new ConfigError('METRICS_PORT: must differ from PORT (metrics are kept off the public port)');
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (production && trustProxy === true) {
    // Every hop trusted means the client's address is whatever the client wrote first in X-Forwarded-For,
    // so anyone could pick the address sign-in throttling counts against.
    throw new ConfigError(
      'TRUST_PROXY: "true" lets any client choose its own address; give the hop count like 1 (one load balancer in front) or the proxies\' addresses or subnets like 10.0.0.0/8',
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    production,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    publicBaseUrl: publicBaseUrl(env).url,
    trustProxy,
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiKey: e.TWILIO_API_KEY,
      apiSecret: e.TWILIO_API_SECRET,
      twimlAppSid: e.TWILIO_TWIML_APP_SID,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
    },
    sessionSecret: e.SESSION_SECRET,
    recordingsKey: e.RECORDINGS_KEY ? decodeKey(e.RECORDINGS_KEY) : undefined,
    logLevel: e.LOG_LEVEL,
    jobLeaseSeconds: e.JOBS_LEASE_SECONDS,
    keepAliveSeconds: e.KEEP_ALIVE_SECONDS,
    simulator: e.SIMULATOR,
    mail: mailConfig(env),
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    tracing: tracingConfig(env),
  };
}

/** Express's trust-proxy setting: true/false, a hop count, or addresses/subnets as Express takes them. */
export function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function isSmtpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isOneAddress(text: string): boolean {
  const parsed = addressparser(text);
  return parsed.length === 1 && 'address' in parsed[0]! && z.email().safeParse(parsed[0].address).success;
}

function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const b = Buffer.from(text, 'base64');
  return b.length === 32 ? b : undefined;
}

/**
 * A lone development instance makes up its own secrets once and keeps them in
 * DATA_DIR (mode 0600) so a restart keeps everyone signed in.
 */
export async function ensureSecrets(config: Config): Promise<ReadyConfig> {
  if (config.sessionSecret && config.recordingsKey) return config as ReadyConfig;
  const file = path.join(config.dataDir, 'secrets.json');
  let stored: { SESSION_SECRET?: string; RECORDINGS_KEY?: string } = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`${file}: unreadable (${(err as Error).message})`);
  }
  const next = { ...stored };
  if (!config.sessionSecret) next.SESSION_SECRET ??= randomBytes(48).toString('base64url');
  if (!config.recordingsKey) next.RECORDINGS_KEY ??= randomBytes(32).toString('base64');
  if (next.SESSION_SECRET !== stored.SESSION_SECRET || next.RECORDINGS_KEY !== stored.RECORDINGS_KEY) {
    await mkdir(config.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  const sessionSecret = config.sessionSecret ?? next.SESSION_SECRET!;
  const recordingsKey = config.recordingsKey ?? decodeKey(next.RECORDINGS_KEY!);
  if (!recordingsKey) throw new ConfigError(`${file}: RECORDINGS_KEY is not a 32-byte key`);
  return { ...config, sessionSecret, recordingsKey };
}
