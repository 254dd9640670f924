// The operator's view of failed jobs without a shell on the server (issue 23, item 4):
// GET /metrics/jobs beside /metrics, to the same people only — the bearer of
// METRICS_TOKEN on the public port, or whoever reaches METRICS_PORT. No clinic account
// is involved: an operator running hundreds of clinics is no clinic's owner.
import request from 'supertest';
import { listenForScrapes } from '../../src/metrics/http.js';
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { METRICS_TOKEN, scrape } from '../helpers/metrics.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Failed jobs for the operator (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());
  beforeEach(() => db.prisma.job.deleteMany());

  const failed = (jobKind: string, lastError: string, createdAt: Date) =>
    db.prisma.job.create({
      data: {
        kind: jobKind,
        payload: { callId: 'ignored' },
        status: 'failed',
        attempts: 8,
        maxAttempts: 8,
        runAt: createdAt,
        createdAt,
        lastError,
      },
    });

  it('lists what the runner gave up on, newest first, numbers masked and payloads never shown', async () => {
    await failed('text.send', 'Twilio refused +447700900123: 21610 unsubscribed', new Date('2027-06-07T08:00:00Z'));
    await failed('recording.delete', 'Twilio answered 503', new Date('2027-06-07T09:00:00Z'));
    await db.prisma.job.create({ data: { kind: 'text.send', payload: {}, runAt: new Date() } });
    const { app } = makeTestApp(db, { env: { METRICS_TOKEN } });
    const as = (path: string) => request(app).get(path).set('Authorization', `Bearer ${METRICS_TOKEN}`);

    const all = await as('/metrics/jobs');
    expect(all.status).toBe(200);
    expect(all.headers['cache-control']).toBe('no-store');
    const jobs = all.body.jobs as Array<Record<string, unknown>>;
    expect(jobs.map((j) => [j.kind, j.status, j.attempts])).toEqual([
      ['recording.delete', 'failed', 8],
      ['text.send', 'failed', 8],
    ]);
    expect(jobs[1]!.lastError).toMatch(/^Twilio refused \+44•+23: 21610/);
    expect(JSON.stringify(all.body)).not.toMatch(/447700900123|payload|ignored/);

    const texts = await as('/metrics/jobs?kind=text.send&limit=5');
    expect((texts.body.jobs as Array<{ kind: string }>).map((j) => j.kind)).toEqual(['text.send']);
    const bad = await as('/metrics/jobs?limit=0');
    expect([bad.status, bad.body]).toEqual([
      400,
      { error: 'limit: must be a whole number from 1 to 500', field: 'limit' },
    ]);
    const badKind = await as('/metrics/jobs?kind=%27%20OR%201%3D1');
    expect([badKind.status, badKind.body.field]).toEqual([400, 'kind']);
  });

  it('is answered only to those who may read /metrics: 404 when metrics are off, 401 without the token', async () => {
    await failed('text.send', 'Twilio answered 503', new Date('2027-06-07T08:00:00Z'));
    const off = makeTestApp(db).app;
    expect((await request(off).get('/metrics/jobs').set('Authorization', `Bearer ${METRICS_TOKEN}`)).status).toBe(404);
    const on = makeTestApp(db, { env: { METRICS_TOKEN } }).app;
    for (const auth of [undefined, `Bearer ${METRICS_TOKEN}x`]) {
      const res = await (auth
        ? request(on).get('/metrics/jobs').set('Authorization', auth)
        : request(on).get('/metrics/jobs'));
      expect([res.status, res.text]).toEqual([401, 'Unauthorized']);
    }
  });

  it('is served on the metrics port of its own, and never on the public one then', async () => {
    await failed('text.send', 'Twilio answered 503', new Date('2027-06-07T08:00:00Z'));
    const { app, ctx } = makeTestApp(db, { env: { METRICS_PORT: '0' } });
    const listener = await listenForScrapes(ctx.metrics!, { ...ctx.config.metrics, port: 0 });
    try {
      const res = await fetch(`${listener.url}/metrics/jobs`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { jobs: unknown[] }).jobs).toHaveLength(1);
      expect((await request(app).get('/metrics/jobs')).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});

describe('Route labels in one case', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it("a client's capitals in a path (Express matches /API/Session as /api/session) make no series of their own", async () => {
    const { app } = makeTestApp(db, { env: { METRICS_TOKEN } });
    for (const path of ['/api/session', '/API/Session', '/Api/SESSION', '/api/sEsSiOn']) await request(app).get(path);
    const routes = new Set(
      (await scrape(app)).samples
        .filter((s) => s.name === 'clinic_line_http_request_duration_seconds_count')
        .map((s) => s.labels.route),
    );
    expect([...routes].filter((r) => /session/i.test(r!))).toEqual(['/api/session']);
  });
});
