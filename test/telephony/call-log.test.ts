import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { callSid, signedTwilioPost } from '../helpers/twilio.js';

describe('The call log', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function clinicWithCalls() {
    const diary = await makeDiary(db.prisma);
    const at = (iso: string) => new Date(iso);
    const calls = [
      { startedAt: at('2027-06-06T22:30:00Z'), outcome: 'out_of_hours', fromNumber: '+447700900001' }, // 23:30 on the 6th in London
      { startedAt: at('2027-06-06T23:30:00Z'), outcome: 'booked', fromNumber: '+447700900002' }, // 00:30 on the 7th in London
      { startedAt: at('2027-06-07T09:00:00Z'), outcome: 'booked', fromNumber: '+447700900003' },
      { startedAt: at('2027-06-07T10:00:00Z'), outcome: 'reception', fromNumber: '+447700900123' },
      { startedAt: at('2027-06-08T10:00:00Z'), outcome: 'cancelled', fromNumber: '+447700900004' },
    ];
    let n = 1;
    for (const c of calls) {
      await db.prisma.call.create({
        data: {
          ...c,
          callSid: callSid(Math.floor(Math.random() * 1e9) + n++),
          clinicId: diary.clinic.id,
          toNumber: diary.clinic.numbers[0]!,
          direction: 'inbound',
          status: 'completed',
          durationSeconds: 60,
        },
      });
    }
    const { app } = makeTestApp(db, { clock: testClock(new Date('2027-06-09T09:00:00Z')) });
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, diary.clinic.id, 'receptionist'));
    return { ...diary, app, desk, base: `/api/clinics/${diary.clinic.id}` };
  }

  it('filters by local day, outcome and caller, newest first', async () => {
    const { desk, base } = await clinicWithCalls();
    const day = await desk.get(`${base}/calls?from=2027-06-07&to=2027-06-07`);
    expect(day.body.calls.map((c: { fromNumber: string }) => c.fromNumber)).toEqual([
      '+447700900123',
      '+447700900003',
      '+447700900002',
    ]);
    const booked = await desk.get(`${base}/calls?outcome=booked`);
    expect(booked.body.calls).toHaveLength(2);
    const caller = await desk.get(`${base}/calls?caller=${encodeURIComponent('07700 900123')}`);
    expect(caller.body.calls.map((c: { fromNumber: string }) => c.fromNumber)).toEqual(['+447700900123']);
    const byDigits = await desk.get(`${base}/calls?caller=900123`);
    expect(byDigits.body.calls.map((c: { fromNumber: string }) => c.fromNumber)).toEqual(['+447700900123']);
  });

  it('pages through everything exactly once', async () => {
    const { desk, base } = await clinicWithCalls();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await desk.get(`${base}/calls?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.calls.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('exports CSV with local times', async () => {
    const { desk, base } = await clinicWithCalls();
    const res = await desk.get(`${base}/calls.csv?from=2027-06-07&to=2027-06-07`);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('started,from,to,status,outcome,duration_seconds,answered,ended,answered_by,call_sid');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^2027-06-07T00:30:00\+01:00,'\+447700900002,/); // text, not a formula
  });

  it('bad filters answer 400 naming the field', async () => {
    const { desk, base } = await clinicWithCalls();
    expect((await desk.get(`${base}/calls?from=yesterday`)).body.error.field).toBe('from');
    expect((await desk.get(`${base}/calls?outcome=happy`)).body.error.field).toBe('outcome');
    expect((await desk.get(`${base}/calls?from=2027-06-08&to=2027-06-07`)).body.error.field).toBe('to');
    expect((await desk.get(`${base}/calls?cursor=nonsense`)).body.error.field).toBe('cursor');
    // Cursors shaped like ours but forged: never a 500.
    const forged = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    for (const cursor of [
      forged({ startedAt: '2027-06-07T00:00:00Z', id: 'not-a-uuid' }),
      forged({ startedAt: '99999-01-01', id: '0190f0f0-0000-7000-8000-000000000000' }),
      forged({ startedAt: 12, id: 3 }),
      forged([]),
    ]) {
      const res = await desk.get(`${base}/calls?cursor=${cursor}`);
      expect([res.status, res.body.error?.field]).toEqual([400, 'cursor']);
    }
  });

  it("a call's timeline, from a real call; another clinic's call is 404", async () => {
    const { app, desk, base, clinic } = await clinicWithCalls();
    const caller = new Caller(app, clinic.numbers[0]!);
    await caller.dial();
    await caller.press('3');
    await signedTwilioPost(app, '/twilio/status', {
      CallSid: caller.sid,
      CallStatus: 'completed',
      CallDuration: '42',
      SequenceNumber: '3',
      AccountSid: 'AC' + 'a'.repeat(32),
      To: clinic.numbers[0]!,
      From: '+447700900123',
    });
    const row = await db.prisma.call.findUniqueOrThrow({ where: { callSid: caller.sid } });
    const res = await desk.get(`${base}/calls/${row.id}`);
    expect(res.body.events.map((e: { kind: string }) => e.kind)).toEqual(['ringing', 'status:completed']);
    expect(res.body).toMatchObject({ durationSeconds: 42, status: 'completed' });
    const other = await makeDiary(db.prisma);
    const theirs = await db.prisma.call.create({
      data: {
        callSid: callSid(123_456_789),
        clinicId: other.clinic.id,
        fromNumber: '+447700900009',
        toNumber: other.clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date(),
      },
    });
    expect((await desk.get(`${base}/calls/${theirs.id}`)).status).toBe(404);
  });
});
