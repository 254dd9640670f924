import type { AppEvent } from '../../src/core/events.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary } from '../helpers/diary.js';
import { callSid, inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Call records on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  let sidSeq = 100;
  async function line() {
    const diary = await makeDiary(db.prisma);
    await db.prisma.clinic.update({
      where: { id: diary.clinic.id },
      data: { emergencyMessage: 'For emergencies call 999, or 111 for urgent advice.' },
    });
    const clock = testClock(new Date('2027-06-07T08:00:00Z'));
    const testApp = makeTestApp(db, { clock });
    const events: AppEvent[] = [];
    testApp.ctx.events.subscribe((e) => events.push(e));
    const call = (overrides: Record<string, string> = {}) =>
      inboundCall({ To: diary.clinic.numbers[0]!, CallSid: callSid(sidSeq), ...overrides });
    sidSeq++;
    return { ...diary, app: testApp.app, events, call };
  }

  it('Jane calls: the call is recorded once even when Twilio repeats the webhook, and the desk sees her name and next appointment', async () => {
    const { app, events, call, patient, patel, checkUp, clinic } = await line();
    await db.prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: patient.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-09T09:00:00Z'),
        endsAt: new Date('2027-06-09T09:30:00Z'),
        blockedUntil: new Date('2027-06-09T09:30:00Z'),
        source: 'dashboard',
      },
    });
    const params = call({ From: '+447700900123' });
    const first = await signedTwilioPost(app, '/twilio/voice', params);
    const retry = await signedTwilioPost(app, '/twilio/voice', params);
    expect(first.status).toBe(200);
    expect(retry.text).toBe(first.text);
    // The emergency message comes before anything else.
    expect(first.text.indexOf('For emergencies call 999')).toBeLessThan(first.text.indexOf('Thank you for calling'));
    expect(await db.prisma.call.count({ where: { callSid: params.CallSid } })).toBe(1);
    expect(events.filter((e) => e.name === 'call.ringing')).toEqual([
      expect.objectContaining({
        clinicId: clinic.id,
        data: expect.objectContaining({
          from: '+447700900123',
          callers: [
            {
              patientId: patient.id,
              name: 'Jane Doe',
              nextAppointment: { startsAt: '2027-06-09T09:00:00.000Z', practitionerName: 'Anita Patel' },
            },
          ],
        }),
      }),
    ]);
  });

  it('a family sharing one number: every member is named; a withheld number matches nobody', async () => {
    const { app, events, call, clinic } = await line();
    await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'John Doe', phone: '+447700900123' } });
    await signedTwilioPost(app, '/twilio/voice', call({ From: '+447700900123' }));
    await signedTwilioPost(app, '/twilio/voice', call({ From: 'anonymous', CallSid: callSid(9_999 + sidSeq) }));
    const ringing = events
      .filter((e) => e.name === 'call.ringing')
      .map((e) => (e.data as { callers: Array<{ name: string }> }).callers.map((c) => c.name));
    expect(ringing).toEqual([['Jane Doe', 'John Doe'], []]);
  });

  it('status callbacks replayed three times and shuffled give the same final call and one call.ended', async () => {
    const { app, events, call } = await line();
    const base = (sid: string, status: string, seq: number, extra: Record<string, string> = {}) => ({
      ...call({ CallSid: sid }),
      CallStatus: status,
      SequenceNumber: String(seq),
      CallbackSource: 'call-progress-events',
      Timestamp: new Date(Date.UTC(2027, 5, 7, 8, 0, seq * 10)).toUTCString(),
      ...extra,
    });
    const script = (sid: string) => [
      base(sid, 'ringing', 0),
      base(sid, 'in-progress', 1),
      base(sid, 'completed', 2, { CallDuration: '95' }),
    ];
    const finalRow = async (sid: string) => {
      const row = await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } });
      const { id: _id, callSid: _sid, createdAt: _c, startedAt: _s, ...rest } = row;
      return rest;
    };

    const inOrder = callSid(50_000 + sidSeq);
    const shuffled = callSid(60_000 + sidSeq);
    for (const sid of [inOrder, shuffled]) await signedTwilioPost(app, '/twilio/voice', call({ CallSid: sid }));
    for (const p of script(inOrder)) await signedTwilioPost(app, '/twilio/status', p);
    const [r, i, c] = script(shuffled);
    for (const p of [c, r, c, i, r, c, i, r, i]) {
      const res = await signedTwilioPost(app, '/twilio/status', p!);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<Response/>');
    }
    expect(await finalRow(shuffled)).toEqual(await finalRow(inOrder));
    expect(await finalRow(shuffled)).toMatchObject({
      status: 'completed',
      durationSeconds: 95,
      answeredAt: new Date('2027-06-07T08:00:10Z'),
      endedAt: new Date('2027-06-07T08:00:20Z'),
      lastSequenceNumber: 2,
    });
    const ended = events.filter((e) => e.name === 'call.ended').map((e) => (e.data as { callSid: string }).callSid);
    expect(ended.sort()).toEqual([inOrder, shuffled].sort());
  });

  it('a clinic that records: the notice comes first, then the recording starts; the recording callback, repeated, fills in the call once', async () => {
    const { app, call, clinic } = await line();
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { recordCalls: true } });
    const params = call();
    const res = await signedTwilioPost(app, '/twilio/voice', params);
    const notice = res.text.indexOf('Calls are recorded');
    const start = res.text.indexOf('<Start><Recording');
    expect(notice).toBeGreaterThan(0);
    expect(start).toBeGreaterThan(notice);
    expect(res.text).toContain('recordingStatusCallback="https://phone.clinic.test/twilio/recording"');
    const recording = {
      AccountSid: params.AccountSid!,
      CallSid: params.CallSid!,
      RecordingSid: 'RE' + 'b'.repeat(32),
      RecordingStatus: 'completed',
      RecordingDuration: '87',
      RecordingChannels: '2',
      RecordingSource: 'StartCallRecordingTwiML',
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE',
      RecordingStartTime: 'Mon, 07 Jun 2027 08:00:05 +0000',
    };
    for (let i = 0; i < 3; i++) expect((await signedTwilioPost(app, '/twilio/recording', recording)).status).toBe(200);
    const row = await db.prisma.call.findUniqueOrThrow({
      where: { callSid: params.CallSid! },
      include: { events: true, recordings: true },
    });
    expect(row.recordings).toEqual([
      expect.objectContaining({
        kind: 'call',
        recordingSid: recording.RecordingSid,
        status: 'completed',
        durationSeconds: 87,
      }),
    ]);
    // One job brings it home (tested in test/recordings/).
    expect(
      await db.prisma.job.count({
        where: { kind: 'recording.fetch', payload: { equals: { recordingId: row.recordings[0]!.id } } },
      }),
    ).toBe(1);
    expect(row.events.filter((e) => e.kind === 'recording:completed')).toHaveLength(1);
  });

  it("a call whose first webhook never reached us (the caller heard the fallback) is logged from its status callback, as failed; another number's is not", async () => {
    const { app, call, clinic } = await line();
    const sid = callSid(70_000 + sidSeq);
    const params: Record<string, string> = {
      ...call({ CallSid: sid }),
      CallStatus: 'completed',
      CallDuration: '3',
      Timestamp: 'Mon, 07 Jun 2027 08:00:20 +0000',
    };
    for (let i = 0; i < 2; i++) expect((await signedTwilioPost(app, '/twilio/status', params)).status).toBe(200);
    const rows = await db.prisma.call.findMany({ where: { callSid: sid } });
    expect(rows).toEqual([
      expect.objectContaining({
        clinicId: clinic.id,
        fromNumber: params.From,
        toNumber: params.To,
        direction: 'inbound',
        status: 'completed',
        outcome: 'failed',
        startedAt: new Date('2027-06-07T08:00:17Z'),
        endedAt: new Date('2027-06-07T08:00:20Z'),
        durationSeconds: 3,
      }),
    ]);
    // Another application's call on the same account, or a call this service placed: nothing is invented.
    const elsewhere = callSid(71_000 + sidSeq);
    await signedTwilioPost(app, '/twilio/status', { ...params, CallSid: elsewhere, To: '+441632960999' });
    const outbound = callSid(72_000 + sidSeq);
    await signedTwilioPost(app, '/twilio/status', { ...params, CallSid: outbound, Direction: 'outbound-api' });
    expect(await db.prisma.call.count({ where: { callSid: { in: [elsewhere, outbound] } } })).toBe(0);
  });
});
