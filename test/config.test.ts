import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  databaseConfig,
  ensureSecrets,
  loadConfig,
  mailConfig,
  publicBaseUrl,
} from '../src/core/config.js';

const error = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('Configuration from the environment', () => {
  it('needs nothing for a lone development instance', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      trustProxy: false,
      keepAliveSeconds: 65, // longer than a load balancer's 60 s idle timeout
    });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.twilio.apiBaseUrl).toBe('https://api.twilio.com');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: must be at most 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres/],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, /^PUBLIC_BASE_URL: /],
    [{ PUBLIC_BASE_URL: 'https://phone.example.com/twilio' }, /^PUBLIC_BASE_URL: must be an origin only/],
    [{ TWILIO_ACCOUNT_SID: 'AB123' }, /^TWILIO_ACCOUNT_SID: must be a Twilio Account SID/],
    [{ TWILIO_AUTH_TOKEN: 'secret' }, /^TWILIO_AUTH_TOKEN: must be 32 hex digits/],
    [{ RECORDINGS_KEY: 'too-short' }, /^RECORDINGS_KEY: must be 32 bytes/],
    [{ SESSION_SECRET: 'short' }, /^SESSION_SECRET: must be at least 32 characters/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV: must be development, production or test/],
    [{ KEEP_ALIVE_SECONDS: 'a minute' }, /^KEEP_ALIVE_SECONDS: must be a number of seconds/],
    [{ KEEP_ALIVE_SECONDS: '0' }, /^KEEP_ALIVE_SECONDS: must be at least 1 second/],
    [{ KEEP_ALIVE_SECONDS: '7.5' }, /^KEEP_ALIVE_SECONDS: must be a whole number of seconds/],
  ])('a bad value stops start-up with one line naming the variable: %o', (env, message) => {
    const text = error(env);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('never repeats a secret it rejects', () => {
    expect(error({ TWILIO_AUTH_TOKEN: 'my-secret-token-value' })).not.toContain('my-secret-token-value');
  });

  it('sends email only with SMTP_URL, which then needs MAIL_FROM; the SMTP password is never repeated', () => {
    expect(loadConfig({}).mail).toBeUndefined();
    expect(loadConfig({ SMTP_URL: '', MAIL_FROM: '' }).mail).toBeUndefined(); // `SMTP_URL=` reads as unset
    expect(
      loadConfig({
        SMTP_URL: 'smtps://clinic:s3cret-pw@mail.example.com',
        MAIL_FROM: 'Clinic line <noreply@example.org>',
      }).mail,
    ).toEqual({ smtpUrl: 'smtps://clinic:s3cret-pw@mail.example.com', from: 'Clinic line <noreply@example.org>' });
    const messages = [
      error({ SMTP_URL: 'smtp://clinic:s3cret-pw@mail.example.com:587' }),
      error({ SMTP_URL: 'https://clinic:s3cret-pw@mail.example.com', MAIL_FROM: 'noreply@example.org' }),
      error({ SMTP_URL: 'smtp://clinic:s3cret-pw@', MAIL_FROM: 'noreply@example.org' }),
      error({ SMTP_URL: 'smtp://clinic:s3cret-pw@mail.example.com', MAIL_FROM: 'the clinic' }),
    ];
    expect(messages).toEqual([
      expect.stringMatching(/^MAIL_FROM: required when SMTP_URL is set/),
      expect.stringMatching(/^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL with a host/),
      expect.stringMatching(/^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL with a host/),
      expect.stringMatching(/^MAIL_FROM: must be one address/),
    ]);
    for (const message of messages) expect(message).not.toContain('s3cret-pw');
    // The operator's commands read only these two.
    expect(mailConfig({ SMTP_URL: 'smtp://mail.example.com', MAIL_FROM: 'noreply@example.org', PORT: 'x' })).toEqual({
      smtpUrl: 'smtp://mail.example.com',
      from: 'noreply@example.org',
    });
  });

  it('serves metrics only with METRICS_TOKEN or METRICS_PORT (empty is unset), never on PORT itself', () => {
    expect(loadConfig({}).metrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '', METRICS_TOKEN: '' }).metrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      port: 9464,
      host: '10.0.0.5',
    });
    expect(error({ PORT: '8080', METRICS_PORT: '8080' })).toMatch(/^METRICS_PORT: must differ from PORT/);
    expect(error({ METRICS_PORT: 'ninety' })).toMatch(/^METRICS_PORT: /);
  });

  it('refuses a guessable METRICS_TOKEN without repeating it', () => {
    const short = 'secret-but-short';
    expect(error({ METRICS_TOKEN: short })).toMatch(/^METRICS_TOKEN: must be at least 32 characters/);
    expect(error({ METRICS_TOKEN: short })).not.toContain(short);
    expect(error({ METRICS_TOKEN: `${'x'.repeat(40)} space` })).not.toContain('xxxx');
  });

  it('requires the shared secrets in production and with DATABASE_URL', () => {
    expect(error({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://p.example' })).toMatch(
      /^SESSION_SECRET: required when NODE_ENV=production/,
    );
    expect(error({ DATABASE_URL: 'postgres://localhost/x', SESSION_SECRET: 's'.repeat(32) })).toMatch(
      /^RECORDINGS_KEY: required when DATABASE_URL is set/,
    );
    expect(error({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32), RECORDINGS_KEY: 'ab'.repeat(32) })).toMatch(
      /^PUBLIC_BASE_URL: required/,
    );
  });

  it('the database alone needs only DATABASE_URL or DATA_DIR, while the server still wants its secrets', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: 'postgres://localhost/x' };
    expect(databaseConfig(env)).toEqual({ databaseUrl: 'postgres://localhost/x', dataDir: path.resolve('data') });
    expect(databaseConfig({ DATA_DIR: '/srv/clinic' })).toEqual({ databaseUrl: undefined, dataDir: '/srv/clinic' });
    expect(error(env)).toMatch(/^SESSION_SECRET: required/);
    expect(() => databaseConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: must be a postgres/);
  });

  it('says when the public address is only the local default', () => {
    expect(publicBaseUrl({ PORT: '8080' })).toEqual({ url: 'http://localhost:8080', assumed: true });
    expect(publicBaseUrl({ PUBLIC_BASE_URL: 'https://phone.example.com/' })).toEqual({
      url: 'https://phone.example.com',
      assumed: false,
    });
  });

  it('reads TRUST_PROXY as Express does, and refuses to trust every hop in production', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    // "true" takes the client's address from the first X-Forwarded-For entry, which any client writes for itself.
    const production = {
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://p.example',
      SESSION_SECRET: 's'.repeat(32),
      RECORDINGS_KEY: 'ab'.repeat(32),
    };
    expect(error({ ...production, TRUST_PROXY: 'true' })).toMatch(/^TRUST_PROXY: .*hop count like 1.*subnets/);
    expect(loadConfig({ ...production, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...production, TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('accepts the recordings key as hex or base64, and trims the public URL to its origin', () => {
    const hex = loadConfig({ RECORDINGS_KEY: 'ab'.repeat(32), PUBLIC_BASE_URL: 'https://phone.example.com/' });
    const b64 = loadConfig({ RECORDINGS_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(hex.recordingsKey).toEqual(Buffer.alloc(32, 0xab));
    expect(b64.recordingsKey).toEqual(Buffer.alloc(32, 7));
    expect(hex.publicBaseUrl).toBe('https://phone.example.com');
  });

  it('a lone development instance makes its secrets once, keeps them in DATA_DIR with mode 0600, and reuses them', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'secrets-'));
    const first = await ensureSecrets(loadConfig({ DATA_DIR: dataDir }));
    const second = await ensureSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.recordingsKey).toHaveLength(32);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.recordingsKey).toEqual(first.recordingsKey);
    const file = path.join(dataDir, 'secrets.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // A secret given in the environment wins and is never written to disk.
    const given = await ensureSecrets(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'g'.repeat(40) }));
    expect(given.sessionSecret).toBe('g'.repeat(40));
    expect(await readFile(file, 'utf8')).not.toContain('g'.repeat(40));
  });
});

describe('Tracing by OpenTelemetry’s own variables', () => {
  it('is off unless an exporter or an OTLP endpoint is named, and off when disabled', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({ exporter: 'otlp' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing).toEqual({ exporter: 'console' });
    expect(
      loadConfig({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })
        .tracing,
    ).toBeUndefined();
  });

  it('refuses an exporter or protocol it cannot use, naming the variable', () => {
    expect(error({ OTEL_TRACES_EXPORTER: 'zipkin' })).toBe(
      'OTEL_TRACES_EXPORTER: must be one of otlp, console or none',
    );
    expect(error({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/json/,
    );
  });
});
