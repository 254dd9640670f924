// The simulator's phone plays Twilio's part against the real app: signed requests,
// the TwiML read back verb by verb, what the caller hears kept as text.
import type { Express } from 'express';
import { readTwiml } from '../../src/simulator/twiml-reader.js';
import { SimulatedCall, SimulatorError } from '../../src/simulator/simulated-call.js';
import { TEST_BASE_URL } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine } from '../helpers/phone-line.js';
import { callSid, signedTwilioPost } from '../helpers/twilio.js';
import { until } from '../helpers/until.js';

const ACCOUNT = 'AC' + 'd'.repeat(32);

describe('Reading TwiML', () => {
  it('gives the verbs in order with what the simulator needs of each', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">Hello.</Say>' +
      '<Gather input="dtmf speech" numDigits="1" action="https://x.test/twilio/menu?call=1&amp;a=2" method="POST"><Say>Press 1.</Say></Gather>' +
      '<Redirect method="POST">https://x.test/twilio/menu?silence=1</Redirect><Dial action="/d"><Client>staff_1</Client></Dial><Dial callerId="+441632960000" timeout="20">+441632960999</Dial>' +
      '<Enqueue waitUrl="/w" action="/a">clinic-1</Enqueue><Record action="/r" maxLength="120"/>' +
      '<Record action="/r2" transcribe="true" transcribeCallback="/t?call=1"/><Start><Recording recordingStatusCallback="/rec"/></Start><Hangup/><Sms>no</Sms></Response>';
    expect(readTwiml(xml)).toEqual([
      { verb: 'Say', text: 'Hello.' },
      {
        verb: 'Gather',
        action: 'https://x.test/twilio/menu?call=1&a=2',
        input: ['dtmf', 'speech'],
        numDigits: 1,
        said: ['Press 1.'],
      },
      { verb: 'Redirect', url: 'https://x.test/twilio/menu?silence=1' },
      { verb: 'Dial', action: '/d', number: null, client: 'staff_1', callerId: null, timeout: 30 },
      { verb: 'Dial', action: null, number: '+441632960999', client: null, callerId: '+441632960000', timeout: 20 },
      { verb: 'Enqueue', queue: 'clinic-1', action: '/a', waitUrl: '/w' },
      { verb: 'Record', action: '/r', maxLength: 120, recordingStatusCallback: null, transcribeCallback: null },
      {
        verb: 'Record',
        action: '/r2',
        maxLength: 3600,
        recordingStatusCallback: null,
        transcribeCallback: '/t?call=1',
      },
      { verb: 'StartRecording', recordingStatusCallback: '/rec' },
      { verb: 'Hangup' },
      { verb: 'other', name: 'Sms' },
    ]);
    expect(() => readTwiml('<html></html>')).toThrow('not TwiML');
  });
});

describe('A simulated call against the real app', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  const postTo = (app: Express) => async (url: string, params: Record<string, string>) => {
    const path = url.startsWith(TEST_BASE_URL) ? url.slice(TEST_BASE_URL.length) : url;
    const res = await signedTwilioPost(app, path, params);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return res.text;
  };

  it('books by keypad, hears the confirmation, and the call ends complete in the log', async () => {
    const { app, clinic, patient } = await clinicLine(db);
    const sid = callSid(0x5100);
    const call = new SimulatedCall(
      { sid, accountSid: ACCOUNT, from: '+447700900123', to: clinic.numbers[0]! },
      postTo(app),
    );
    await call.dial();
    expect(call.state).toBe('gathering');
    expect(call.heardSince()).toContain('How can I help?');
    await expect(call.finishRecording({ sid: 'RE1', url: 'x', seconds: 1 })).rejects.toThrow(SimulatorError);
    for (const key of ['1', '1', '1', '23041980']) await call.press(key);
    const before = call.transcript.length;
    await call.press('1');
    expect(call.heardSince(before)).toContain(
      "You're booked for a check-up with Dr Patel today, Monday the 7th of June at 11. Is there anything else",
    );
    await call.say('no thank you');
    expect(call.state).toBe('ended');
    await expect(call.press('1')).rejects.toThrow('The call has ended.');
    expect(await db.prisma.appointment.count({ where: { patientId: patient.id, source: 'phone' } })).toBe(1);
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } })).toMatchObject({
      outcome: 'booked',
      status: 'completed',
      endedAt: expect.any(Date),
    });
  });

  it('says a word instead of pressing, stays silent (the <Redirect> runs), and hangs up midway', async () => {
    const { app, clinic } = await clinicLine(db);
    const sid = callSid(0x5101);
    const call = new SimulatedCall(
      { sid, accountSid: ACCOUNT, from: '+447700900888', to: clinic.numbers[0]! },
      postTo(app),
    );
    await call.dial();
    await call.say('I want to book an appointment');
    expect(call.heardSince()).toContain('Dr Patel has today at 11');
    const before = call.transcript.length;
    await call.silence();
    expect(call.transcript.length).toBeGreaterThan(before);
    await call.hangUp();
    expect(call.state).toBe('ended');
    expect(call.transcript.at(-1)).toMatchObject({ who: 'call', text: 'Call ended' });
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } })).toMatchObject({ status: 'completed' });
  });
});

describe("A simulated call in a queue, playing Twilio's side of <Enqueue>", () => {
  const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
  /** A scripted service: each path's TwiML, and every request it got (path and Twilio's parameters). */
  function service(pages: Record<string, string | ((p: Record<string, string>) => string)>) {
    const got: Array<{ path: string; params: Record<string, string> }> = [];
    const post = async (url: string, params: Record<string, string>) => {
      got.push({ path: url, params });
      const page = pages[url.split('?')[0]!];
      if (page === undefined) throw new Error(`no page ${url}`);
      return typeof page === 'function' ? page(params) : page;
    };
    return { got, post };
  }
  const enqueue = xml(
    '<Say>Please hold for reception.</Say><Enqueue waitUrl="/wait" action="/left">clinic-1</Enqueue>',
  );

  it('requests the wait URL at once and on each hold-on with the place in the queue; reception takes the caller out, puts them through, and hangs up', async () => {
    let place = { position: 2, size: 2 };
    const { got, post } = service({
      '/twilio/voice': enqueue,
      '/wait': (p) =>
        xml(`<Say>You are number ${p.QueuePosition} in the queue.</Say><Play>https://music.test/hold.mp3</Play>`),
      '/left': xml('<Say>Thank you for calling. Goodbye.</Say><Hangup/>'),
      '/connect': xml('<Dial action="/connected"><Client>staff_abc</Client></Dial>'),
      '/connected': xml('<Say>Thank you for calling. Goodbye.</Say><Hangup/>'),
      '/twilio/status': '',
    });
    const rang: string[] = [];
    const call = new SimulatedCall(
      {
        sid: callSid(0x5200),
        accountSid: ACCOUNT,
        from: '+447700900123',
        to: '+441632960001',
        queuePlace: () => place,
        onBrowserRinging: (_c, who) => rang.push(who),
      },
      post,
    );
    await call.dial();
    expect(call.state).toBe('queued');
    expect(call.queueName).toBe('clinic-1');
    expect(call.heardSince()).toBe('Please hold for reception. You are number 2 in the queue.');
    const wait = got.find((r) => r.path === '/wait')!.params;
    expect(wait).toMatchObject({
      QueuePosition: '2',
      CurrentQueueSize: '2',
      QueueTime: expect.stringMatching(/^\d+$/),
      QueueSid: expect.stringMatching(/^QU[0-9a-f]{32}$/),
      CallSid: call.sid,
    });
    place = { position: 1, size: 1 };
    await call.holdOn();
    expect(call.heardSince()).toContain('You are number 1 in the queue.');
    await expect(call.press('1')).rejects.toThrow('not waiting for that (it is queued)');

    // Reception answers: Twilio's dequeue moves the caller to the connect URL.
    expect(call.takenFromQueue('/connect')).toBe(true);
    await until('the call to be put through', () => call.state === 'connected' || undefined, 5_000);
    expect(got.find((r) => r.path === '/left')!.params).toMatchObject({
      QueueResult: 'redirected',
      QueueSid: wait.QueueSid,
    });
    expect(rang).toEqual(['staff_abc']);
    expect(call.connectedTo).toBe('staff_abc');
    expect(call.takenFromQueue('/connect')).toBe(false); // no longer in a queue: Twilio's 404

    const before = call.transcript.length;
    await call.receptionHangsUp();
    expect(got.find((r) => r.path === '/connected')!.params).toMatchObject({ DialCallStatus: 'completed' });
    expect(call.heardSince(before)).toBe('Thank you for calling. Goodbye.');
    expect(call.state).toBe('ended');
    expect(got.at(-1)).toMatchObject({ path: '/twilio/status', params: { CallStatus: 'completed' } });
  });

  it('leaves the queue when the wait URL says <Leave> (the action runs), and a caller hanging up in the queue is reported as such', async () => {
    let leave = false;
    const { got, post } = service({
      '/twilio/voice': enqueue,
      '/wait': () => xml(leave ? '<Leave/>' : '<Say>You are next in the queue.</Say>'),
      '/left': (p) =>
        xml(p.QueueResult === 'leave' ? '<Say>Please leave a message.</Say><Record action="/recorded"/>' : '<Hangup/>'),
      '/twilio/status': '',
    });
    const first = new SimulatedCall(
      { sid: callSid(0x5201), accountSid: ACCOUNT, from: '+447700900123', to: '+441632960001' },
      post,
    );
    await first.dial();
    leave = true;
    await first.holdOn();
    expect(first.state).toBe('recording');
    expect(first.heardSince()).toContain('Please leave a message.');

    leave = false;
    const second = new SimulatedCall(
      { sid: callSid(0x5202), accountSid: ACCOUNT, from: '+447700900124', to: '+441632960001' },
      post,
    );
    await second.dial();
    await second.hangUp();
    expect(
      got.filter((r) => r.path === '/left' && r.params.CallSid === second.sid).map((r) => r.params.QueueResult),
    ).toEqual(['hangup']);
    expect(second.state).toBe('ended');
  });
});

describe('A call the service placed (ringing a patient back), the patient’s phone played as Twilio plays it', () => {
  const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
  const CLINIC = '+441632960001';
  const PATIENT = '+447700900321';
  /** The service's side, scripted: what each URL answers, and every request in order. */
  function ringBack(detectsMachines = true) {
    const got: Array<{ path: string; params: Record<string, string> }> = [];
    const pages: Record<string, string> = {
      '/answered': xml(
        '<Gather input="dtmf" numDigits="1" action="/confirm"><Say>This is the clinic, calling you back. Press 1.</Say></Gather><Hangup/>',
      ),
      '/confirm': xml('<Dial action="/bridged" answerOnBridge="true"><Client>staff_abc</Client></Dial>'),
      '/bridged': xml('<Hangup/>'),
      '/status': '',
    };
    const post = async (url: string, params: Record<string, string>) => {
      got.push({ path: url, params });
      return pages[url]!;
    };
    const rang: string[] = [];
    const off: string[] = [];
    const call = new SimulatedCall(
      {
        sid: callSid(0x5300),
        accountSid: ACCOUNT,
        from: CLINIC,
        to: PATIENT,
        statusPath: '/status',
        // The stand-in's outboundParams: the callee's leg of an outbound-api call.
        placed: {
          url: '/answered',
          detectsMachines,
          params: (extra) => ({
            CallSid: callSid(0x5300),
            From: CLINIC,
            To: PATIENT,
            Direction: 'outbound-api',
            ...extra,
          }),
        },
        onBrowserRinging: (_c, who) => rang.push(who),
        onBrowserDisconnected: (_c, who) => off.push(who),
      },
      post,
    );
    return { got, call, rang, off };
  }

  it('rings without a request; answered by a person: the URL hears it, 1 puts them through, and their hang-up ends the bridge, then the call, once', async () => {
    const { got, call, rang, off } = ringBack();
    expect(call).toMatchObject({ state: 'ringing', direction: 'outbound-api' });
    expect(got).toEqual([]);
    await expect(call.press('1')).rejects.toThrow('not waiting for that (it is ringing)');
    await call.answer('person');
    expect(got[0]).toEqual({
      path: '/answered',
      params: expect.objectContaining({
        Direction: 'outbound-api',
        From: CLINIC,
        To: PATIENT,
        CallStatus: 'in-progress',
        AnsweredBy: 'human',
      }),
    });
    expect(call.heardSince()).toBe('This is the clinic, calling you back. Press 1.');
    await call.press('1');
    expect(got.at(-1)).toMatchObject({ path: '/confirm', params: { Digits: '1', Direction: 'outbound-api' } });
    expect(call.connectedTo).toBe('staff_abc');
    expect(rang).toEqual(['staff_abc']);
    await call.hangUp();
    await call.hangUp();
    expect(off).toEqual(['staff_abc']);
    expect(got.slice(-2)).toEqual([
      { path: '/bridged', params: expect.objectContaining({ DialCallStatus: 'completed' }) },
      {
        path: '/status',
        params: expect.objectContaining({ CallStatus: 'completed', CallDuration: expect.stringMatching(/^[1-9]\d*$/) }),
      },
    ]);
    expect(got.filter((r) => r.path === '/status')).toHaveLength(1);
  });

  it('declined, rung out or hung up on while ringing: only the status callback, busy or no-answer, 0 seconds', async () => {
    for (const [end, status] of [
      [(c: SimulatedCall) => c.notAnswered('busy'), 'busy'],
      [(c: SimulatedCall) => c.notAnswered('no-answer'), 'no-answer'],
      [(c: SimulatedCall) => c.hangUp(), 'busy'],
    ] as const) {
      const { got, call } = ringBack();
      await end(call);
      expect(call.state).toBe('ended');
      expect(got).toEqual([
        { path: '/status', params: expect.objectContaining({ CallStatus: status, CallDuration: '0' }) },
      ]);
      await expect(call.answer('person')).rejects.toThrow('The phone is not ringing (the call is ended).');
      await expect(call.notAnswered('no-answer')).rejects.toThrow(SimulatorError);
    }
    // Without answering-machine detection asked for, Twilio does not say who answered.
    const plain = ringBack(false);
    await plain.call.answer('machine');
    expect(plain.got[0]!.params).not.toHaveProperty('AnsweredBy');
    // A call to the clinic has no phone ringing to answer.
    const inbound = new SimulatedCall(
      { sid: callSid(0x5301), accountSid: ACCOUNT, from: PATIENT, to: CLINIC },
      async () => xml('<Hangup/>'),
    );
    await expect(inbound.answer('machine')).rejects.toThrow('there is no phone ringing to answer');
  });
});
