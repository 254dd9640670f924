// Who can read /metrics: nobody unless the operator says so; the bearer of METRICS_TOKEN
// on the public port; anyone who reaches METRICS_PORT (bound to METRICS_HOST), and never
// the public port then (the settings are checked in test/config.test.ts). A figure the
// database cannot give does not cost the others.
import request from 'supertest';
import type { Database } from '../../src/core/database.js';
import { createLogger } from '../../src/core/logger.js';
import { ServiceMetrics } from '../../src/metrics/service-metrics.js';
import { twilioOperation } from '../../src/twilio/rest.js';
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { METRICS_TOKEN, parseMetrics, scrape } from '../helpers/metrics.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { databaseKinds } from '../helpers/services.js';
import { until } from '../helpers/until.js';

describe("Twilio's operations as metric labels", () => {
  const account = 'AC' + 'a'.repeat(32);
  it.each([
    [
      'DELETE',
      `https://api.twilio.com/2010-04-01/Accounts/${account}/Recordings/RE${'b'.repeat(32)}.json`,
      'DELETE Recordings',
    ],
    ['post', `https://api.twilio.com/2010-04-01/Accounts/${account}/Messages.json`, 'POST Messages'],
    [
      'POST',
      `https://api.twilio.com/2010-04-01/Accounts/${account}/Queues/QU${'c'.repeat(32)}/Members/CA${'d'.repeat(32)}.json`,
      'POST Queues/Members',
    ],
    [
      'GET',
      `https://api.twilio.com/2010-04-01/Accounts/${account}/Recordings/RE${'1'.repeat(32)}/Transcriptions.json`,
      'GET Recordings/Transcriptions',
    ],
    ['POST', `https://api.twilio.com/2010-04-01/Accounts/${account}/Calls.json?To=%2B447700900123`, 'POST Calls'],
    ['GET', 'not a url', 'GET other'],
  ])('%s %s is "%s"', (method, uri, operation) => {
    expect(twilioOperation(method, uri)).toBe(operation);
  });
});

describe.each(databaseKinds())('Reading /metrics (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('is off by default: 404, as for any page that is not there, token or not', async () => {
    const { app, ctx } = makeTestApp(db);
    expect(ctx.metrics).toBeUndefined();
    for (const auth of [undefined, `Bearer ${METRICS_TOKEN}`]) {
      const res = await (auth ? request(app).get('/metrics').set('Authorization', auth) : request(app).get('/metrics'));
      expect([res.status, res.text]).toEqual([404, 'Not found']);
    }
  });

  it('with METRICS_TOKEN, answers only its bearer (401 otherwise), and never logs it', async () => {
    const { app, logs } = makeTestApp(db, { env: { METRICS_TOKEN } });
    for (const auth of [
      undefined,
      'Bearer',
      `Bearer ${METRICS_TOKEN.slice(0, -1)}x`,
      `Bearer ${METRICS_TOKEN.slice(0, 10)}`,
      `Bearer ${METRICS_TOKEN}x`,
      `Basic ${Buffer.from(`prometheus:${METRICS_TOKEN}`).toString('base64')}`,
      METRICS_TOKEN,
    ]) {
      const res = await (auth ? request(app).get('/metrics').set('Authorization', auth) : request(app).get('/metrics'));
      expect({ auth, status: res.status }).toEqual({ auth, status: 401 });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.text).toBe('Unauthorized');
    }
    const ok = await scrape(app);
    expect(ok.value('clinic_line_queue_callers')).toBe(0);
    expect(ok.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(logs.join('')).not.toContain(METRICS_TOKEN);
  });

  it('a source the database cannot give shows as unknown and counts an error; the rest are read as usual', async () => {
    const failing: Database = {
      ...db,
      sql: (query, values) =>
        typeof query === 'object' && query.name === 'metrics-jobs'
          ? Promise.reject(new Error('relation "Job" is locked'))
          : db.sql(query, values),
    };
    const metrics = new ServiceMetrics({
      db: failing,
      clock: () => new Date(),
      logger: createLogger({ level: 'silent' }),
    });
    const { samples } = parseMetrics((await metrics.scrape()).body);
    const value = (name: string) => samples.filter((s) => s.name === name).map((s) => s.value);
    expect(value('clinic_line_queue_callers')).toEqual([0]);
    expect(value('clinic_line_recordings_awaiting_twilio_deletion')).toEqual([0]);
    expect(value('clinic_line_jobs')).toEqual([]);
    expect(value('clinic_line_jobs_oldest_due_seconds')).toEqual([NaN]);
    expect(samples.filter((s) => s.name === 'clinic_line_metrics_read_errors_total')).toEqual([
      { name: 'clinic_line_metrics_read_errors_total', labels: { source: 'jobs' }, value: 1 },
    ]);
  });
});

describe('METRICS_PORT: a listener of its own (npm start, embedded database)', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  it('serves /metrics on 127.0.0.1 at that port, and the public port answers 404', async () => {
    server = await startServerProcess({ DATA_DIR: await tempDataDir(), METRICS_PORT: '0' });
    const url = await until(
      'the metrics listener',
      () => /"url":"(http:\/\/[^"]+)\/metrics".*"msg":"metrics listening"/.exec(server!.stdout())?.[1],
    );
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const res = await request(url).get('/metrics');
    expect(res.status).toBe(200);
    expect(parseMetrics(res.text).samples.find((s) => s.name === 'clinic_line_queue_callers')?.value).toBe(0);
    expect((await request(url).get('/')).status).toBe(404);
    expect((await request(server.url).get('/metrics')).status).toBe(404);
  });
});
