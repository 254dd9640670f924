import jwt from 'jsonwebtoken';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { Caller, QUEUE_SID } from '../helpers/caller.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { expectRequestsMatchTwilio } from '../helpers/twilio-spec.js';
import { ACCOUNT, API_KEY, API_SECRET, APP_SID, closeReceptions, makeReception } from '../helpers/reception.js';

describe.each(databaseKinds())('The reception queue and answering in the browser (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN, apiKey: API_KEY, apiSecret: API_SECRET });
    await standin.start();
  });
  afterEach(closeReceptions);
  afterAll(async () => {
    // Every REST request the service sent in these scripts is one Twilio documents.
    expectRequestsMatchTwilio(standin.requests);
    await standin.stop();
    await db.drop();
  });

  /** A clinic open Mon–Fri 08:30–18:00 (no desk phone), Twilio configured for browser answering, a receptionist signed in. */
  const reception = (options: { twilio?: boolean } = {}) => makeReception(db, standin, options);

  const callRow = (sid: string) => db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } });

  /** The caller asks for reception and is waiting in the queue (Twilio has asked the wait URL once). */
  async function inQueue(jane: Caller, waited = 3) {
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, waited);
    return (await callRow(jane.sid)).id;
  }

  it('a caller waits in the queue hearing their place, and the receptionist they are given to answers in the browser', async () => {
    const { clinic, staff, caller, events } = await reception();
    const anna = await staff();
    expect((await anna.available()).body).toEqual({ available: true });

    const jane = caller();
    await jane.dial();
    await jane.press('3');
    expect(jane.heard()).toBe('Please hold for reception.');
    expect(jane.queue?.name).toBe(`clinic-${clinic.id}`);
    const queued = events.find((e) => e.name === 'call.queued');
    expect(queued?.data).toMatchObject({ position: 1, waitSeconds: 0, from: '+447700900123' });

    await jane.waitInQueue(1, 5);
    expect(jane.heard()).toBe('You are next in the queue.');
    expect(jane.twiml).toContain('<Play>https://com.twilio.sounds.music.s3.amazonaws.com/');
    const queue = await anna.browser.get(`/api/clinics/${clinic.id}/queue`);
    expect(queue.body.callers).toEqual([
      expect.objectContaining({ fromNumber: '+447700900123', position: 1, queueStatus: 'waiting' }),
    ]);

    const { id: callId } = await callRow(jane.sid);
    const answered = await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`);
    expect(answered.status).toBe(200);
    // Twilio was asked to move this caller — not whoever is at the front — to a URL that rings Anna.
    const dequeue = standin.dequeued.at(-1)!;
    expect(dequeue).toMatchObject({ queueSid: QUEUE_SID, callSid: jane.sid });
    expect(events.find((e) => e.name === 'call.answered')?.data).toMatchObject({
      callId,
      answeredBy: { userId: anna.userId, email: anna.email },
    });

    await jane.movedTo(dequeue.url);
    expect(jane.dialledClient()).toBe(`staff_${anna.userId.replace(/-/g, '')}`);
    expect(await callRow(jane.sid)).toMatchObject({
      queueStatus: 'answered',
      answeredBy: anna.userId,
      outcome: 'reception',
    });
    await jane.dialEnded('completed');
    expect(jane.heard()).toBe('Thank you for calling. Goodbye.');
    // The call's timeline tells the story, each step once.
    expect(
      (await db.prisma.callEvent.findMany({ where: { callId }, orderBy: { id: 'asc' } })).map((e) => e.kind),
    ).toEqual(['queued', 'answered']);
  });

  it("the estimate comes from how long this clinic's recent callers waited to be answered", async () => {
    const { clinic, staff, caller, clock } = await reception();
    const anna = await staff();
    await anna.available();
    const queuedAt = new Date(clock().getTime() - 10 * 60_000);
    await db.prisma.call.create({
      data: {
        callSid: 'CA' + 'e'.repeat(32),
        clinicId: clinic.id,
        fromNumber: '+447700900777',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: queuedAt,
        queuedAt,
        answeredAt: new Date(queuedAt.getTime() + 120_000),
        queueStatus: 'answered',
      },
    });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(2, 10);
    expect(jane.heard()).toBe('You are number 2 in the queue. We expect to answer you in about four minutes.');
  });

  it('the place and the wait are said when they change or a minute on, not on every loop of the hold music', async () => {
    const { staff, caller } = await reception();
    await (await staff()).available();
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    // Twilio asks the wait URL each time the last answer has finished playing: here every 10 s for 5 minutes.
    const said: string[] = [];
    for (let waited = 0; waited < 300; waited += 10) {
      const position = waited < 150 ? 3 : waited < 200 ? 2 : 1;
      await jane.waitInQueue(position, waited);
      if (jane.heard()) said.push(`${waited}: ${jane.heard()}`);
      expect(jane.twiml).toContain('<Play>'); // hold music every time
    }
    expect(said).toEqual([
      '0: You are number 3 in the queue.',
      '60: You are number 3 in the queue.',
      '120: You are number 3 in the queue.',
      '150: You are number 2 in the queue.',
      '200: You are next in the queue.',
      '260: You are next in the queue.',
    ]);
  });

  it('two receptionists answer the same caller at once: exactly one gets them, the other is told who did', async () => {
    const { clinic, staff, caller } = await reception();
    const [anna, ben] = [await staff(), await staff('owner')];
    await anna.available();
    const jane = caller();
    const callId = await inQueue(jane, 2);
    const before = standin.dequeued.length;
    const answers = await Promise.all(
      [anna, ben].map((s) => s.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    const winner = answers[0]!.status === 200 ? anna : ben;
    expect(loser.body.error).toMatchObject({
      code: 'already_answered',
      message: `This caller has already been answered by ${winner.email}.`,
    });
    expect(standin.dequeued.length - before).toBe(1);
  });

  it("a receptionist of another clinic cannot take this clinic's caller", async () => {
    const { clinic, staff, caller } = await reception();
    const other = await makeDiary(db.prisma);
    const anna = await staff();
    await anna.available();
    const outsider = await staff('receptionist', other.clinic.id);
    const jane = caller();
    const callId = await inQueue(jane, 2);
    expect((await outsider.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`)).status).toBe(404);
    expect((await outsider.browser.send('post', `/api/clinics/${other.clinic.id}/calls/${callId}/answer`)).status).toBe(
      404,
    );
    expect(await callRow(jane.sid)).toMatchObject({ queueStatus: 'waiting', claimedBy: null });
  });

  it("after the clinic's maximum wait the caller leaves the queue for voicemail, which lands on the call-back list", async () => {
    const { clinic, staff, caller, events, app } = await reception();
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { maxQueueWaitSeconds: 120 } });
    const anna = await staff();
    await anna.available();
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(2, 60);
    expect(jane.heard()).toBe('You are number 2 in the queue.');
    await jane.waitInQueue(1, 121);
    expect(jane.twiml).toContain('<Leave/>');
    await jane.leftQueue('leave', 121);
    expect(jane.heard()).toContain(
      'Sorry to keep you waiting. Our receptionists are all still busy. Please leave your name, your number and a short message after the tone',
    );
    const record = jane.recorder()!;
    expect(record['@maxLength']).toBe('120');
    expect(record['@recordingStatusCallback']).toBe(
      'https://phone.clinic.test/twilio/recording?kind=voicemail&transcript=1',
    );
    expect(record['@transcribeCallback']).toMatch(
      /^https:\/\/phone\.clinic\.test\/twilio\/transcription\?call=[0-9a-f-]{36}$/,
    );
    await jane.finishRecording();
    expect(jane.heard()).toContain('Your message has been recorded');

    // The recording callback files the voicemail, once however often Twilio sends it.
    const callback = {
      AccountSid: ACCOUNT,
      CallSid: jane.sid,
      RecordingSid: 'RE' + '1'.repeat(32),
      RecordingStatus: 'completed',
      RecordingDuration: '17',
      RecordingSource: 'RecordVerb',
    };
    for (let i = 0; i < 3; i++)
      expect((await signedTwilioPost(app, '/twilio/recording?kind=voicemail', callback)).status).toBe(200);
    const call = await callRow(jane.sid);
    expect(call.outcome).toBe('voicemail');
    expect(await db.prisma.recording.findMany({ where: { callId: call.id } })).toEqual([
      expect.objectContaining({ kind: 'voicemail', status: 'completed', durationSeconds: 17 }),
    ]);
    expect(events.filter((e) => e.name === 'voicemail.new')).toHaveLength(1);
    expect(
      (await db.prisma.callEvent.findMany({ where: { callId: call.id }, orderBy: { id: 'asc' } })).map((e) => e.kind),
    ).toEqual(['queued', 'left_queue', 'voicemail']);

    const list = await anna.browser.get(`/api/clinics/${clinic.id}/call-backs`);
    expect(list.body.callBacks).toEqual([
      expect.objectContaining({
        reason: 'voicemail',
        fromNumber: '+447700900123',
        callers: [{ name: 'Jane Doe' }],
        voicemail: expect.objectContaining({ durationSeconds: 17 }),
        done: null,
      }),
    ]);
    const entry = list.body.callBacks[0];
    expect((await anna.browser.send('post', `/api/clinics/${clinic.id}/call-backs/${entry.id}/done`)).status).toBe(200);
    const done = await anna.browser.get(`/api/clinics/${clinic.id}/call-backs?status=done`);
    expect(done.body.callBacks[0].done).toMatchObject({ by: anna.userId, email: anna.email });
    expect((await anna.browser.get(`/api/clinics/${clinic.id}/call-backs`)).body.callBacks).toEqual([]);
    expect((await anna.browser.get(`/api/clinics/${clinic.id}/call-backs?status=later`)).status).toBe(400);
  });

  it('with nobody available (and no desk phone) the caller is offered voicemail at once', async () => {
    const { staff, caller } = await reception();
    const anna = await staff();
    await anna.available(false);
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    expect(jane.heard()).toMatch(/^Sorry, nobody at reception can take your call just now. Please leave your name/);
    expect(jane.recorder()).toBeDefined();
    expect(jane.queue).toBeUndefined();
  });

  it('signing out, or a session running out, makes a receptionist away', async () => {
    const { staff, caller, clock } = await reception();
    const anna = await staff();
    await anna.available();
    await anna.browser.send('delete', '/api/session');
    const first = caller();
    await first.dial();
    await first.press('3');
    expect(first.recorder()).toBeDefined();

    const ben = await staff();
    await ben.available();
    clock.advance(24 * 3_600_000); // Tuesday 09:00: past the 12-hour idle limit, still "available" in the table
    const second = caller();
    await second.dial();
    await second.press('3');
    expect(second.recorder()).toBeDefined();
    expect(await db.prisma.presence.findUniqueOrThrow({ where: { userId: ben.userId } })).toMatchObject({
      available: true,
    });
  });

  it('a caller who hangs up in the queue is an abandoned call: on the call-back list, with one missed-call text a day', async () => {
    const { clinic, staff, caller, app } = await reception();
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true } });
    const anna = await staff();
    await anna.available();
    for (let i = 0; i < 2; i++) {
      const jane = caller('+447700900555');
      await jane.dial();
      await jane.press('3');
      await jane.waitInQueue(1, 40);
      await jane.leftQueue('hangup', 41);
      // The number's status callback comes too: nothing changes twice.
      await signedTwilioPost(app, '/twilio/status', {
        AccountSid: ACCOUNT,
        CallSid: jane.sid,
        CallStatus: 'completed',
        CallDuration: '60',
        From: '+447700900555',
        To: clinic.numbers[0]!,
      });
      expect(await callRow(jane.sid)).toMatchObject({ outcome: 'abandoned', queueStatus: 'abandoned' });
    }
    // The second call from the number joins the open entry: one person to ring back, two calls.
    const callBacks = await db.prisma.callBack.findMany({ where: { clinicId: clinic.id }, include: { calls: true } });
    expect(callBacks.map((c) => [c.reason, c.calls.length])).toEqual([['abandoned', 2]]);
    expect(await db.prisma.callEvent.count({ where: { callId: callBacks[0]!.callId, kind: 'abandoned' } })).toBe(1);
    const texts = await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } });
    expect(texts).toEqual([
      expect.objectContaining({ kind: 'missed_call', toNumber: '+447700900555', status: 'queued' }),
    ]);
    expect(
      await db.prisma.job.count({ where: { kind: 'text.send', payload: { equals: { messageId: texts[0]!.id } } } }),
    ).toBe(1);
  });

  it("a caller who hangs up without the queue's action request is still abandoned, from the status callback", async () => {
    const { clinic, staff, caller, app } = await reception();
    const anna = await staff();
    await anna.available();
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    await signedTwilioPost(app, '/twilio/status', {
      AccountSid: ACCOUNT,
      CallSid: jane.sid,
      CallStatus: 'completed',
      CallDuration: '20',
      From: '+447700900123',
      To: clinic.numbers[0]!,
    });
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'abandoned', queueStatus: 'abandoned' });
    expect(await db.prisma.callBack.count({ where: { clinicId: clinic.id } })).toBe(1);
  });

  it('a full queue is said, and the caller offered voicemail', async () => {
    const { clinic, staff, caller } = await reception();
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { maxQueueSize: 1 } });
    const anna = await staff();
    await anna.available();
    const first = caller();
    await first.dial();
    await first.press('3');
    expect(first.queue).toBeDefined();
    const second = caller('+447700900999');
    await second.dial();
    await second.press('3');
    expect(second.heard()).toMatch(
      /^Sorry, all our receptionists are busy and no more callers can wait just now. Please leave/,
    );
    await first.leftQueue('queue-full');
    expect(first.recorder()).toBeDefined();
  });

  it('the browser leg not answering sends the caller to voicemail', async () => {
    const { clinic, staff, caller } = await reception();
    const anna = await staff();
    await anna.available();
    const jane = caller();
    const callId = await inQueue(jane, 3);
    await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`);
    await jane.movedTo(standin.dequeued.at(-1)!.url);
    await jane.dialEnded('no-answer', 0);
    expect(jane.recorder()).toBeDefined();
    expect(await callRow(jane.sid)).toMatchObject({ queueStatus: 'left', answeredBy: null });
  });

  it('Twilio refusing to move the caller releases the claim, so someone else can answer', async () => {
    const { clinic, staff, caller } = await reception();
    const anna = await staff();
    await anna.available();
    const jane = caller();
    const callId = await inQueue(jane, 3);
    standin.fail({ path: /\/Queues\/.*\/Members\//, status: 500, code: 20500, message: 'Internal Server Error' });
    const refused = await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`);
    expect(refused.status).toBe(502);
    expect(refused.body.error.message).toMatch(/^Twilio could not put the caller through/);
    expect(await callRow(jane.sid)).toMatchObject({ queueStatus: 'waiting', claimedBy: null });
    expect((await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`)).status).toBe(200);
  });

  it('issues a short-lived Voice token for the signed-in person, and says why when Twilio is not configured', async () => {
    const { staff } = await reception();
    const anna = await staff();
    const res = await anna.browser.get('/api/voice/token');
    expect(res.status).toBe(200);
    const claims = jwt.verify(res.body.token, API_SECRET) as {
      sub: string;
      iss: string;
      exp: number;
      iat: number;
      grants: { identity: string; voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } } };
    };
    expect(claims).toMatchObject({
      sub: ACCOUNT,
      iss: API_KEY,
      grants: {
        identity: `staff_${anna.userId.replace(/-/g, '')}`,
        voice: { incoming: { allow: true }, outgoing: { application_sid: APP_SID } },
      },
    });
    expect(claims.exp - claims.iat).toBe(600);
    expect(res.headers['cache-control']).toBe('no-store');

    const bare = await reception({ twilio: false });
    const ben = await bare.staff();
    const refused = await ben.browser.get('/api/voice/token');
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({
      code: 'twilio_not_configured',
      message: expect.stringContaining('TWILIO_API_KEY'),
    });
    const anonymous = await browserAgent(bare.app).get('/api/voice/token');
    expect(anonymous.status).toBe(401);
  });

  it("the TwiML App voice URL rings a patient back only for identities it issued, from the clinic's own number", async () => {
    const { clinic, staff, app } = await reception();
    const anna = await staff();
    const identity = `client:staff_${anna.userId.replace(/-/g, '')}`;
    const call = (from: string, extra: Record<string, string> = {}) =>
      signedTwilioPost(app, '/twilio/client', {
        AccountSid: ACCOUNT,
        ApplicationSid: APP_SID,
        CallSid: 'CA' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
        From: from,
        To: '+447700900123',
        clinicId: clinic.id,
        Direction: 'inbound',
        ...extra,
      });
    // A patient of the clinic's (only numbers it knows may be rung: browser-ring-back.test.ts).
    await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Tom Evans', phone: '+447700900123' } });
    const ok = await call(identity);
    expect(ok.text).toContain(
      `<Dial callerId="${clinic.numbers[0]}" answerOnBridge="true" action="${TEST_BASE_URL}/twilio/client/ended"><Number>+447700900123</Number></Dial>`,
    );
    expect(
      await db.prisma.call.count({
        where: { clinicId: clinic.id, direction: 'outbound', answeredBy: anna.userId, outcome: 'call_back' },
      }),
    ).toBe(1);

    for (const refused of [
      await call('client:someone_else'),
      await call(`client:staff_${'0'.repeat(32)}`),
      await call(identity, { clinicId: (await makeDiary(db.prisma)).clinic.id }),
      await call(identity, { To: '999' }),
      await call(identity, { ApplicationSid: 'AP' + '0'.repeat(32) }),
    ]) {
      expect(refused.status).toBe(200);
      expect(refused.text).toContain('This call cannot be placed');
      expect(refused.text).not.toContain('<Dial');
    }
  });
});
