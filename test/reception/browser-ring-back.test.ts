// Ringing a patient back from the browser: the TwiML App's voice URL places the call as
// the clinic, only to numbers the clinic knows, and a call rung for an entry of the
// call-back list is a try on it, which the <Dial>'s action ends with what came of it.
// Then the same through the phone simulator, which plays the Voice SDK's `connect` and
// rings "the patient's phone" for the <Dial><Number>.
import { EventBus } from '../../src/core/events.js';
import { Simulator } from '../../src/simulator/simulator.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { ACCOUNT, APP_SID, makeReception, receptionWorld } from '../helpers/reception.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { until } from '../helpers/until.js';

const JANE = '+447700900321';
let seq = 0;
const nextSid = () => `CA${(++seq).toString(16).padStart(32, 'b')}`;

describe('Ringing a patient back from the browser', () => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld('embedded', (w) => ({ db, standin } = w));

  /** Jane rang and hung up waiting: she is on the call-back list. */
  async function janeOnTheList(clinicId: string, toNumber: string) {
    const call = await db.prisma.call.create({
      data: {
        callSid: nextSid(),
        clinicId,
        fromNumber: JANE,
        toNumber,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date(),
        outcome: 'abandoned',
      },
    });
    return db.prisma.callBack.create({
      data: { clinicId, callId: call.id, reason: 'abandoned', fromNumber: JANE },
    });
  }

  const triesOf = (callBackId: string) =>
    db.prisma.callBackAttempt.findMany({ where: { callBackId }, orderBy: { startedAt: 'asc' } });

  it('a ring from the browser is a try on the call-back, taken by whoever rings, ended with what came of it', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    const entry = await janeOnTheList(r.clinic.id, r.clinic.numbers[0]!);
    const identity = `client:staff_${anna.userId.replace(/-/g, '')}`;
    const sid = nextSid();
    const form = {
      AccountSid: ACCOUNT,
      ApplicationSid: APP_SID,
      CallSid: sid,
      From: identity,
      To: JANE,
      clinicId: r.clinic.id,
      callBackId: entry.id,
      Direction: 'inbound',
    };
    const placed = await signedTwilioPost(r.app, '/twilio/client', form);
    expect(placed.text).toContain(
      `<Dial callerId="${r.clinic.numbers[0]}" answerOnBridge="true" action="${TEST_BASE_URL}/twilio/client/ended"><Number>${JANE}</Number></Dial>`,
    );
    // Twilio retries: still one call, one try.
    await signedTwilioPost(r.app, '/twilio/client', form);
    const [ringing] = await triesOf(entry.id);
    expect(await triesOf(entry.id)).toHaveLength(1);
    expect(ringing).toMatchObject({ callSid: sid, staffId: anna.userId, via: 'browser', result: null, endedAt: null });
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      assignedTo: anna.userId,
      attemptsMade: 0,
    });
    const listed = async () =>
      (await anna.browser.get(`/api/clinics/${r.clinic.id}/call-backs`)).body.callBacks[0].tries as Array<{
        result: string | null;
        fromBrowser: boolean;
        byHand: boolean;
      }>;
    expect(await listed()).toEqual([expect.objectContaining({ result: null, fromBrowser: true, byHand: false })]);

    // Jane answered and they talked for 42 s; she hung up. Twilio may ask twice.
    const ended = { ...form, DialCallStatus: 'completed', DialCallDuration: '42', CallStatus: 'in-progress' };
    const action = await signedTwilioPost(r.app, '/twilio/client/ended', ended);
    expect(action.text).toContain('<Hangup/>');
    await signedTwilioPost(r.app, '/twilio/client/ended', { ...ended, DialCallDuration: '99' });
    expect((await triesOf(entry.id))[0]).toMatchObject({ result: 'answered', endedAt: expect.any(Date) });
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } })).toMatchObject({
      status: 'completed',
      durationSeconds: 42,
      direction: 'outbound',
      answeredBy: anna.userId,
      endedAt: expect.any(Date),
    });
    expect(r.events.filter((e) => e.name === 'call.ended' && e.data.callSid === sid)).toHaveLength(1);
    expect(r.events.filter((e) => e.name === 'callback.worked')).toHaveLength(2);
    // Still open: whoever rang says how it went when they close it.
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ doneAt: null });

    // A second try nobody answers; a third whose <Dial> action was never heard ends with the call's status.
    for (const [status, result] of [
      ['no-answer', 'no_answer'],
      ['busy', 'busy'],
      ['canceled', 'cancelled'],
    ]) {
      const again = { ...form, CallSid: nextSid() };
      await signedTwilioPost(r.app, '/twilio/client', again);
      await signedTwilioPost(r.app, '/twilio/client/ended', {
        ...again,
        DialCallStatus: status!,
        DialCallDuration: '0',
      });
      expect((await triesOf(entry.id)).at(-1)).toMatchObject({ result });
    }
    const lost = { ...form, CallSid: nextSid() };
    await signedTwilioPost(r.app, '/twilio/client', lost);
    await signedTwilioPost(r.app, '/twilio/status', { ...lost, CallStatus: 'completed', CallDuration: '30' });
    expect((await triesOf(entry.id)).at(-1)).toMatchObject({ result: 'no_end_heard', endedAt: expect.any(Date) });
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: lost.CallSid } })).toMatchObject({
      status: 'completed',
      endedAt: expect.any(Date),
    });
    // None of them is the dialler's: its count of tries is untouched.
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      attemptsMade: 0,
      ringState: null,
    });
  });

  it('rings only numbers the clinic knows, only for its own open call-backs', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    const entry = await janeOnTheList(r.clinic.id, r.clinic.numbers[0]!);
    const other = await makeDiary(db.prisma);
    const theirs = await janeOnTheList(other.clinic.id, other.clinic.numbers[0]!);
    const patient = await db.prisma.patient.create({
      data: { clinicId: r.clinic.id, name: 'Tom Evans', phone: '+447700900555', otherPhones: ['+447700900556'] },
    });
    const ring = (extra: Record<string, string>) =>
      signedTwilioPost(r.app, '/twilio/client', {
        AccountSid: ACCOUNT,
        ApplicationSid: APP_SID,
        CallSid: nextSid(),
        From: `client:staff_${anna.userId.replace(/-/g, '')}`,
        To: JANE,
        clinicId: r.clinic.id,
        Direction: 'inbound',
        ...extra,
      });
    // A patient's numbers (any of them) and a caller's may be rung, with or without a call-back.
    for (const allowed of [{ To: patient.phone! }, { To: '+447700900556' }, {}, { callBackId: entry.id }] as Array<
      Record<string, string>
    >)
      expect((await ring(allowed)).text).toContain('<Dial');
    await db.prisma.callBack.update({ where: { id: entry.id }, data: { doneAt: new Date() } });
    for (const refused of [
      { To: '+447700900999' }, // nobody the clinic knows: not a free phone to anywhere
      { To: '+19005550100' },
      { callBackId: theirs.id }, // another clinic's entry
      { callBackId: entry.id }, // closed now
      { callBackId: 'not-a-uuid' },
      { clinicId: other.clinic.id }, // not her clinic
    ] as Array<Record<string, string>>) {
      const res = await ring(refused);
      expect(res.text).toContain('This call cannot be placed');
      expect(res.text).not.toContain('<Dial');
    }
    expect(await db.prisma.callBackAttempt.count({ where: { callBackId: { in: [entry.id, theirs.id] } } })).toBe(1);
  });

  it('on the simulator: the browser rings, the patient’s phone rings, she answers, either end hangs up', async () => {
    const events = new EventBus();
    const timeouts: Array<{ ms: number; giveUp: () => void }> = [];
    const simulator = new Simulator({ accountSid: ACCOUNT, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
      recordings: standin,
      ringTimer: (ms, giveUp) => {
        timeouts.push({ ms, giveUp });
        return () => undefined;
      },
    });
    const r = await makeReception(db, standin, { twilio: false, simulator, events });
    const anna = await r.staff();
    const entry = await janeOnTheList(r.clinic.id, r.clinic.numbers[0]!);
    const base = `/api/clinics/${r.clinic.id}/simulator`;
    const identity = `staff_${anna.userId.replace(/-/g, '')}`;

    const refused = await anna.browser.send('post', `${base}/ring-out`, { to: '+447700900999' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/cannot be placed/);
    expect((await anna.browser.send('post', `${base}/ring-out`, { to: '07700 900321' })).body.error).toMatchObject({
      field: 'to',
    });

    const ringOut = async () => {
      const res = await anna.browser.send('post', `${base}/ring-out`, { to: JANE, callBackId: entry.id });
      expect(res.status).toBe(201);
      const phone = (await anna.browser.get(`${base}/patients-phone`)).body.calls.at(-1);
      expect(phone).toMatchObject({
        direction: 'outbound-dial',
        from: r.clinic.numbers[0],
        to: JANE,
        state: 'ringing',
      });
      return { browserLeg: res.body.sid as string, phone: phone.sid as string };
    };
    const act = (sid: string, what: string, body?: object) =>
      anna.browser.send('post', `${base}/calls/${sid}/${what}`, body);

    // She answers, they talk, she hangs up: the try says she answered, Anna's phone is free again.
    const first = await ringOut();
    expect(timeouts.at(-1)!.ms).toBe(30_000);
    expect((await act(first.phone, 'answer', { as: 'person' })).body.state).toBe('connected');
    expect((await act(first.phone, 'hangup')).body.state).toBe('ended');
    expect((await anna.browser.get(`${base}/calls/${first.browserLeg}`)).body.state).toBe('ended');
    // The browser's side is told its call is over (the SDK's disconnect), once.
    expect(
      r.events.filter((e) => e.name === 'simulator.browser_disconnected' && e.data.callSid === first.browserLeg),
    ).toEqual([expect.objectContaining({ data: { callSid: first.browserLeg, identity } })]);
    expect((await triesOf(entry.id)).map((t) => t.result)).toEqual(['answered']);

    // Nobody answers: after the ring, no answer.
    const second = await ringOut();
    timeouts.at(-1)!.giveUp();
    expect(
      await until('the ring to be given up', async () => (await triesOf(entry.id)).at(-1)?.result ?? undefined),
    ).toBe('no_answer');
    expect((await anna.browser.get(`${base}/calls/${second.phone}`)).body.state).toBe('ended');

    // Anna hangs up while it rings: it stops ringing, the try is cancelled.
    const third = await ringOut();
    expect((await act(third.browserLeg, 'reception-hangup')).body.state).toBe('ended');
    expect((await anna.browser.get(`${base}/calls/${third.phone}`)).body.state).toBe('ended');
    expect((await triesOf(entry.id)).map((t) => t.result)).toEqual(['answered', 'no_answer', 'cancelled']);

    // Answered, then Anna hangs up: answered.
    const fourth = await ringOut();
    await act(fourth.phone, 'answer', { as: 'person' });
    await act(fourth.browserLeg, 'reception-hangup');
    expect((await anna.browser.get(`${base}/calls/${fourth.phone}`)).body.state).toBe('ended');
    expect((await triesOf(entry.id)).at(-1)).toMatchObject({ result: 'answered' });
    expect(await db.prisma.call.count({ where: { clinicId: r.clinic.id, direction: 'outbound', endedAt: null } })).toBe(
      0,
    );
  });
});
