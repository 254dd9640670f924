// The simulator's phone plays Twilio's part against the real app: signed requests,
// the TwiML read back verb by verb, what the caller hears kept as text.
import type { Express } from 'express';
import { readTwiml } from '../../src/simulator/twiml-reader.js';
import { SimulatedCall, SimulatorError } from '../../src/simulator/simulated-call.js';
import { TEST_BASE_URL } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine } from '../helpers/phone-line.js';
import { callSid, signedTwilioPost } from '../helpers/twilio.js';

const ACCOUNT = 'AC' + 'd'.repeat(32);

describe('Reading TwiML', () => {
  it('gives the verbs in order with what the simulator needs of each', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">Hello.</Say>' +
      '<Gather input="dtmf speech" numDigits="1" action="https://x.test/twilio/menu?call=1&amp;a=2" method="POST"><Say>Press 1.</Say></Gather>' +
      '<Redirect method="POST">https://x.test/twilio/menu?silence=1</Redirect><Dial action="/d"><Client>staff_1</Client></Dial><Dial>+441632960999</Dial>' +
      '<Enqueue waitUrl="/w" action="/a">clinic-1</Enqueue><Record action="/r" maxLength="120"/><Start><Recording recordingStatusCallback="/rec"/></Start><Hangup/><Sms>no</Sms></Response>';
    expect(readTwiml(xml)).toEqual([
      { verb: 'Say', text: 'Hello.' },
      { verb: 'Gather', action: 'https://x.test/twilio/menu?call=1&a=2', input: ['dtmf', 'speech'], numDigits: 1, said: ['Press 1.'] },
      { verb: 'Redirect', url: 'https://x.test/twilio/menu?silence=1' },
      { verb: 'Dial', action: '/d', number: null, client: 'staff_1' },
      { verb: 'Dial', action: null, number: '+441632960999', client: null },
      { verb: 'Enqueue', queue: 'clinic-1', action: '/a', waitUrl: '/w' },
      { verb: 'Record', action: '/r', maxLength: 120, recordingStatusCallback: null },
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
    const call = new SimulatedCall({ sid, accountSid: ACCOUNT, from: '+447700900123', to: clinic.numbers[0]! }, postTo(app));
    await call.dial();
    expect(call.state).toBe('gathering');
    expect(call.heardSince()).toContain('To book an appointment, press 1');
    await expect(call.finishRecording({ sid: 'RE1', url: 'x', seconds: 1 })).rejects.toThrow(SimulatorError);
    for (const key of ['1', '1', '1']) await call.press(key);
    const before = call.transcript.length;
    await call.press('1');
    expect(call.heardSince(before)).toContain("You're booked for today, Monday the 7th of June at eleven o'clock in the morning with Dr Patel.");
    expect(call.state).toBe('ended');
    await expect(call.press('1')).rejects.toThrow('The call has ended.');
    expect(await db.prisma.appointment.count({ where: { patientId: patient.id, source: 'phone' } })).toBe(1);
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } })).toMatchObject({ outcome: 'booked', status: 'completed', endedAt: expect.any(Date) });
  });

  it('says a word instead of pressing, stays silent (the <Redirect> runs), and hangs up midway', async () => {
    const { app, clinic } = await clinicLine(db);
    const sid = callSid(0x5101);
    const call = new SimulatedCall({ sid, accountSid: ACCOUNT, from: '+447700900888', to: clinic.numbers[0]! }, postTo(app));
    await call.dial();
    await call.say('I want to book an appointment');
    expect(call.heardSince()).toContain('The next free times are');
    const before = call.transcript.length;
    await call.silence();
    expect(call.transcript.length).toBeGreaterThan(before);
    await call.hangUp();
    expect(call.state).toBe('ended');
    expect(call.transcript.at(-1)).toMatchObject({ who: 'call', text: 'Call ended' });
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } })).toMatchObject({ status: 'completed' });
  });
});
