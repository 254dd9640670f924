import { jest } from '@jest/globals';
// Hostile input: every webhook and every API route gets thousands of arbitrary
// bodies, queries and path parameters. Whatever arrives, the answer is never a
// 5xx, a webhook always answers TwiML, and the process keeps going.
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { makeTestApp, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { declaredRoutes } from '../helpers/routes.js';
import { callSid, signedTwilioPost } from '../helpers/twilio.js';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { createHttpServer, SERVER_LIMITS } from '../../src/http/server.js';
import { rawConnection } from '../helpers/raw-connection.js';
import { until } from '../helpers/until.js';

// 10,000 cases in all, split over the routes (at least 20 each).
const TOTAL_CASES = 10_000;
const TWILIO_KEYS = [
  'CallSid',
  'AccountSid',
  'From',
  'To',
  'Caller',
  'Digits',
  'SpeechResult',
  'Confidence',
  'CallStatus',
  'CallDuration',
  'SequenceNumber',
  'Timestamp',
  'RecordingSid',
  'RecordingStatus',
  'RecordingDuration',
  'QueueResult',
  'QueueTime',
  'QueuePosition',
  'QueueSid',
  'AvgQueueTime',
  'DialCallStatus',
  'DialCallDuration',
  'Body',
  'MessageSid',
];
const QUERY_KEYS = [
  'kind',
  'step',
  'type',
  'slot',
  'slots',
  'attempt',
  'patient',
  'appointment',
  'staff',
  'page',
  'offset',
  'date',
  'from',
  'to',
  'q',
  'limit',
  'cursor',
  'before',
  'action',
  'view',
  'practitionerId',
  'outcome',
  'caller',
  'status',
  'download',
];

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'undefined',
    '[]',
    '{}',
    '+447700900123',
    '+441632960000',
    '2027-02-30',
    '24:00',
    '99:99',
    '\'; DROP TABLE "Call"; --',
    '%00',
    '../../etc/passwd',
    'a'.repeat(5000),
    '\u202e\u0000',
    '１２３',
  ),
  fc.integer().map(String),
  fc.uuid().map(String),
);
// Twilio's parameter names are letters and digits; their values can be anything.
const twilioForm = fc.dictionary(
  fc.oneof(fc.constantFrom(...TWILIO_KEYS), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/)),
  nasty,
  { maxKeys: 12 },
);
const queryOf = fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), nasty, {
  maxKeys: 5,
});
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }),
);

/** Unexpected failures (logged at error level), in a line each. */
const errorsIn = (logs: string[]) =>
  logs
    .filter((l) => /"level":50/.test(l))
    .map((l) => {
      const e = JSON.parse(l) as {
        msg: string;
        req?: { method: string; url: string };
        err?: { type: string; message: string };
      };
      return `${e.req?.method} ${e.req?.url?.slice(0, 80)}: ${e.msg} (${e.err?.type}: ${e.err?.message?.slice(0, 160)})`;
    })
    .slice(0, 10);

// Five thousand requests per test take about a minute on a busy two-core machine.
jest.setTimeout(240_000);

describe('Hostile input, fuzzed (embedded database)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  const routes = declaredRoutes();
  // Half the cases for the webhooks, half for the API, spread evenly over their routes.
  const runsEach = (count: number) => Math.ceil(TOTAL_CASES / 2 / count);

  async function world() {
    const diary = await makeDiary(db.prisma);
    await db.prisma.openingHours.createMany({
      data: [1, 2, 3, 4, 5].map((weekday) => ({
        clinicId: diary.clinic.id,
        weekday,
        startMinute: 8 * 60,
        endMinute: 18 * 60,
      })),
    });
    const { app, logs } = makeTestApp(db, { clock: testClock(new Date('2027-06-07T08:00:00Z')) });
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, diary.clinic.id, 'owner'));
    // A real call, so webhook steps that find their call run their logic, not just "unknown call".
    const sid = callSid(0xf022);
    await signedTwilioPost(app, '/twilio/voice', {
      CallSid: sid,
      From: '+447700900123',
      To: diary.clinic.numbers[0]!,
      AccountSid: 'AC' + 'a'.repeat(32),
    });
    const ids = [diary.clinic.id, diary.patel.id, diary.checkUp.id, diary.patient.id];
    return { ...diary, app, logs, owner, sid, ids };
  }

  it(`every Twilio webhook answers TwiML, never an error, to ${TOTAL_CASES / 2} signed arbitrary requests`, async () => {
    const w = await world();
    const webhooks = routes.filter((r) => r.router === 'twilioRoutes');
    expect(webhooks.length).toBeGreaterThan(25);
    let cases = 0;
    const perRoute = runsEach(webhooks.length);
    for (const route of webhooks) {
      await fc.assert(
        fc.asyncProperty(twilioForm, queryOf, fc.boolean(), async (form, query, ours) => {
          // Half the time the request is about the real call and clinic, so deeper steps run.
          const body = ours ? { ...form, CallSid: w.sid, To: w.clinic.numbers[0]!, From: '+447700900123' } : form;
          const qs = new URLSearchParams(query).toString();
          const res = await signedTwilioPost(w.app, route.path + (qs ? `?${qs}` : ''), body);
          cases++;
          expect({ route: route.path, status: res.status }).toEqual({ route: route.path, status: 200 });
          expect(XMLValidator.validate(res.text)).toBe(true);
          expect(res.text).toMatch(/<Response/);
        }),
        { numRuns: perRoute },
      );
    }
    expect(cases).toBeGreaterThanOrEqual(TOTAL_CASES / 2);
    // Unexpected failures are logged at error level; there must be none.
    expect(errorsIn(w.logs)).toEqual([]);
  });

  it(`every API route answers a clear 4xx or success, never a 5xx, to ${TOTAL_CASES / 2} arbitrary requests from a signed-in owner`, async () => {
    const w = await world();
    const api = routes.filter(
      (r) =>
        r.path.startsWith('/api') &&
        !(r.method === 'delete' && r.path === '/api/clinics/:clinicId') &&
        !(r.method === 'delete' && r.path === '/api/session'),
    );
    expect(api.length).toBeGreaterThan(50);
    const perRoute = runsEach(api.length);
    let cases = 0;
    for (const route of api) {
      await fc.assert(
        fc.asyncProperty(
          jsonBody,
          queryOf,
          fc.array(fc.oneof(fc.constantFrom(...w.ids), nasty), { minLength: 4, maxLength: 4 }),
          async (body, query, params) => {
            let i = 0;
            const path = route.path
              .replace(':clinicId', w.clinic.id)
              .replace(/:\w+/g, () => encodeURIComponent(params[i++]!));
            const qs = new URLSearchParams(query).toString();
            const url = path + (qs ? `?${qs}` : '');
            // Sent as raw JSON, so a bare number or string arrives as it is.
            const res =
              route.method === 'get'
                ? await w.owner.get(url)
                : await w.owner.agent[route.method](url)
                    .set('X-CSRF-Token', w.owner.csrf)
                    .set('Content-Type', 'application/json')
                    .send(JSON.stringify(body));
            // The one deliberate 5xx: 503 naming the Twilio variables a Voice token needs.
            const fine = res.status < 500 || (res.status === 503 && res.body.error?.code === 'twilio_not_configured');
            expect({ route: `${route.method} ${route.path}`, status: res.status, fine }).toEqual({
              route: `${route.method} ${route.path}`,
              status: res.status,
              fine: true,
            });
            if (res.status >= 400 && res.headers['content-type']?.includes('json'))
              expect(typeof res.body.error?.message).toBe('string');
            cases++;
          },
        ),
        { numRuns: perRoute },
      );
    }
    expect(cases).toBeGreaterThanOrEqual(TOTAL_CASES / 2);
    expect(errorsIn(w.logs)).toEqual([]);
  });

  it('a text whose numbers the database would refuse (a NUL byte) gets an empty reply, not an error (found by the fuzzer)', async () => {
    const w = await world();
    const res = await signedTwilioPost(w.app, '/twilio/sms', { To: '+4416\u0000', From: '+447700900123', Body: 'YES' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<Response\/>/);
    expect(errorsIn(w.logs)).toEqual([]);
  });

  it('a call step carrying a NUL byte anywhere gets the spoken apology, not an error (found by the fuzzer)', async () => {
    const w = await world();
    for (const [path, form] of [
      ['/twilio/voice', { CallSid: w.sid, To: w.clinic.numbers[0]!, From: '+4477\u0000' }],
      ['/twilio/voice?kind=X%00', { CallSid: w.sid, To: w.clinic.numbers[0]!, From: '+447700900123' }],
      ['/twilio/status', { CallSid: w.sid, CallStatus: 'completed', Direction: 'in\u0000bound' }],
    ] as const) {
      const res = await signedTwilioPost(w.app, path, form);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<Say');
    }
    expect(errorsIn(w.logs)).toEqual([]);
  });

  it('an API request carrying a NUL character anywhere is refused with 400 naming the field (found by the fuzzer)', async () => {
    const w = await world();
    const search = await w.owner.get(`/api/clinics/${w.clinic.id}/patients?q=${encodeURIComponent('\u202e\u0000')}`);
    expect(search.status).toBe(400);
    expect(search.body.error).toMatchObject({ field: 'q', message: 'q: must not contain a NUL character' });
    const created = await w.owner.send('post', `/api/clinics/${w.clinic.id}/patients`, {
      name: 'Ann\u0000Lee',
      phone: '+447700900999',
    });
    expect(created.body.error).toMatchObject({ field: 'name' });
    const nested = await w.owner.send('put', `/api/clinics/${w.clinic.id}/opening-hours`, {
      hours: [{ weekday: 1, start: '08:00', end: '1\u00008:00' }],
    });
    expect(nested.body.error).toMatchObject({ field: 'hours[0].end' });
    expect(await db.prisma.patient.count({ where: { clinicId: w.clinic.id, name: { startsWith: 'Ann' } } })).toBe(0);
    expect(errorsIn(w.logs)).toEqual([]);
  });

  it('oversized bodies are refused before any work: 413', async () => {
    const w = await world();
    const big = { name: 'x'.repeat(200_000) };
    expect((await w.owner.send('post', `/api/clinics/${w.clinic.id}/patients`, big)).status).toBe(413);
    const form = { CallSid: w.sid, Body: 'y'.repeat(100_000) };
    expect((await request(w.app).post('/twilio/sms').type('form').send(form)).status).toBe(413);
  });
});

describe('Slow clients', () => {
  it('a client that trickles its headers, or its body, is cut off with 408 instead of holding the connection', async () => {
    const db = await openTestDatabase('embedded');
    const { app } = makeTestApp(db);
    const server = createHttpServer(app, {
      headersTimeoutMs: 600,
      requestTimeoutMs: 1_200,
      keepAliveTimeoutMs: 500,
      checkEveryMs: 100,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const trickle = (first: string) =>
      new Promise<{ answer: string; ms: number }>((resolve) => {
        const started = Date.now();
        const socket = net.connect(port, '127.0.0.1', () => socket.write(first));
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        // One more byte every 200 ms, never finishing.
        const timer = setInterval(() => socket.writable && socket.write('x'), 200);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ answer, ms: Date.now() - started });
        });
      });
    try {
      const headers = await trickle('POST /twilio/voice HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.ms).toBeLessThan(3_000);
      const body = await trickle(
        'POST /api/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(body.ms).toBeLessThan(4_000);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
    }
  });

  it('a connection kept alive longer than the headers timeout serves the next request, not a 408', async () => {
    // Behind a load balancer the keep-alive outlasts the headers and request timeouts: those
    // must time a request from its first byte, never the idle wait before it.
    const server = createHttpServer((_req, res) => res.end('ok'), {
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      keepAliveTimeoutMs: 20_000,
      checkEveryMs: 100,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { socket, received, closed } = await rawConnection(port);
    const ask = () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const count = () => received().match(/HTTP\/1\.1 200/g)?.length ?? 0;
    try {
      ask();
      await until('the first answer', () => count() === 1);
      await new Promise((r) => setTimeout(r, 1_000)); // idle past both timeouts, checked every 100 ms
      ask();
      await until('the second answer', () => count() === 2);
      expect(received()).not.toContain('408');
      expect(socket.destroyed).toBe(false);
    } finally {
      socket.destroy();
      await closed;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the service starts with these limits', () => {
    expect(SERVER_LIMITS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000, // longer than a load balancer's (AWS ALB, nginx: 60 s): KEEP_ALIVE_SECONDS
      checkEveryMs: 1_000,
    });
    const server = createHttpServer(() => undefined);
    expect({
      headers: server.headersTimeout,
      request: server.requestTimeout,
      keepAlive: server.keepAliveTimeout,
    }).toEqual({ headers: 10_000, request: 30_000, keepAlive: 65_000 });
  });
});
