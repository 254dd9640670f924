import { Writable } from 'node:stream';
import request from 'supertest';
import { withLogContext } from '../src/core/log-context.js';
import { createLogger, maskPhoneNumbers } from '../src/core/logger.js';
import { makeTestApp } from './helpers/app.js';
import { openTestDatabase, type TestDatabase } from './helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from './helpers/fixtures.js';

describe('Logs mask phone numbers and hide secrets', () => {
  it('masks E.164 numbers, keeping enough to tell calls apart', () => {
    expect(maskPhoneNumbers('call from +447700900123 to +441632960000')).toBe(
      'call from +44••••••••23 to +44••••••••00',
    );
    expect(maskPhoneNumbers('order 12345 at 10:30')).toBe('order 12345 at 10:30');
  });

  it('masks numbers anywhere in a log line and redacts credentials', () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    logger.info(
      {
        call: { From: '+447700900123' },
        req: { url: '/x?To=%2B441632960000', headers: { cookie: 'sid=abc', 'x-twilio-signature': 'sig' } },
      },
      'ringing +12025550123',
    );
    const line = lines.join('');
    expect(line).not.toMatch(/447700900123|12025550123|441632960000|sid=abc|"sig"/);
    expect(line).toContain('+44••••••••23');
    expect(line).toContain('%2B44••••••••00');
    expect(line).toContain('[redacted]');
  });
});

describe('Request logs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it("say each request's real status and duration, and no name or number a query carried", async () => {
    const clinic = await makeClinic(db.prisma);
    const { app, logs } = makeTestApp(db);
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    await desk.get(`/api/clinics/${clinic.id}/patients?q=Siobhán%20O'Neill`);
    await desk.get(`/api/clinics/${clinic.id}/calls?caller=07700%20900123&from=2027-06-01`);
    await desk.get(`/api/clinics/${clinic.id}/calls?caller=%2B447700900123`);
    await desk.get(`/api/clinics/${clinic.id}/calls?from=yesterday`);
    await request(app).get(`/api/clinics/${clinic.id}`);
    const lines = logs.map(
      (l) => JSON.parse(l) as { req?: { url: string }; res?: { statusCode: number | null }; responseTime?: number },
    );
    const requests = lines.filter((l) => l.req?.url.startsWith(`/api/clinics/${clinic.id}`));
    expect(requests.map((l) => [l.req!.url.replace(`/api/clinics/${clinic.id}`, ''), l.res!.statusCode])).toEqual([
      ['/patients?q=[redacted]', 200],
      ['/calls?caller=[redacted]&from=2027-06-01', 200],
      ['/calls?caller=[redacted]', 200],
      ['/calls?from=yesterday', 400],
      ['', 401],
    ]);
    for (const l of requests) expect(l.responseTime).toEqual(expect.any(Number));
    // A calendar feed's URL is its only credential: never written.
    await request(app).get('/ical/feed-token-0123456789abcdef.ics?x=1');
    const feeds = lines.concat(logs.slice(lines.length).map((l) => JSON.parse(l) as (typeof lines)[number]));
    expect(feeds.filter((l) => l.req?.url.startsWith('/ical/')).map((l) => l.req!.url)).toEqual([
      '/ical/[redacted]?x=[redacted]',
    ]);
    const all = logs.join('');
    expect(all).not.toMatch(/Siobh|Neill|900123|7700|feed-token/);
  });
});

describe('Log lines name the request or job they were written in', () => {
  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    });
    return { logger, lines };
  };

  it('carries the request id through awaits, once even on a logger already bound to it, and nothing outside', async () => {
    const { logger, lines } = capture();
    await withLogContext({ requestId: 'req-1' }, async () => {
      await new Promise((r) => setImmediate(r));
      logger.error('deep inside a webhook');
      logger.child({ reqId: 'req-1' }).error('through the request logger');
    });
    logger.info('between requests');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['deep inside a webhook', 'req-1'],
      ['through the request logger', 'req-1'],
      ['between requests', undefined],
    ]);
    // The bound child writes reqId once, not twice.
    expect(JSON.stringify(lines[1]).match(/"reqId"/g)).toHaveLength(1);
  });

  it('keeps two requests apart when their work interleaves', async () => {
    const { logger, lines } = capture();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = withLogContext({ requestId: 'first' }, async () => {
      await gate;
      logger.warn('first, after the second began');
    });
    await withLogContext({ requestId: 'second' }, async () => logger.warn('second'));
    release();
    await first;
    expect(lines.map((l) => l.reqId)).toEqual(['second', 'first']);
  });
});
