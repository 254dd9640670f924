// What a patient who asked to be called back can do about it, and what the clinic's rules
// do with it: cancel it by a key or in words when ringing again, or by replying NO to the
// heads-up text; get through on a later call (the call-back is overtaken); choose a later
// time today where the clinic allows it; ring-backs only in reception's hours; a patient on
// the line to the clinic is not rung on top of it.
import { signedTwilioPost } from '../helpers/twilio.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { ON_THE_LINE_PAUSE_MS } from '../../src/reception/ring-back.js';
import type { TestDatabase } from '../helpers/database.js';
import { ACCOUNT, askForCallBack, makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('A call-back the patient asked for (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  let dialled: string[] = [];
  receptionWorld(kind, (w) => {
    ({ db, standin } = w);
    standin.onOutboundCall = (call) => dialled.push(call.to);
  });
  beforeEach(() => {
    dialled = [];
  });

  async function clinic(settings: { textMessages?: boolean; callBackWindows?: boolean } = {}) {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: 0, ...settings } });
    const anna = await r.staff();
    await anna.available(); // so callers queue; the dial waits for the test's ringBack()
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    const entry = (number: string) =>
      db.prisma.callBack.findFirstOrThrow({ where: { clinicId: r.clinic.id, ringNumber: number } });
    /** The dialler's turn (every instance's beat), then its jobs. */
    const ringBack = async () => {
      await r.hub.heartbeat();
      await runner.runDue();
    };
    return { ...r, anna, runner, entry, ringBack };
  }

  it('ringing again, the patient hears the call-back stands and presses 9 to cancel it; it is never rung', async () => {
    const { caller, entry, ringBack, events } = await clinic();
    await askForCallBack(caller('+447700900401'));
    const again = caller('+447700900401');
    await again.dial();
    expect(again.heard()).toContain(
      'We have your request to be called back, and you keep your place in the queue. If you no longer need us to call, press 9 to cancel it.',
    );
    const question = again.gatherAction();
    await again.press('9');
    expect(again.heard()).toMatch(/^Your call-back is cancelled\. Is there anything else I can help with\?/);
    expect(await entry('+447700900401')).toMatchObject({
      ringState: 'cancelled',
      closedBecause: 'cancelled_by_patient',
      doneBy: null,
    });
    expect(events.find((e) => e.name === 'callback.done')?.data).toMatchObject({ because: 'cancelled_by_patient' });
    await again.repeatLast(question, { Digits: '9' }); // Twilio repeating the request
    expect(again.heard()).toMatch(/^Your call-back is cancelled\./);
    await again.ended(20);
    await ringBack();
    expect(dialled).toEqual([]);
    // A third call: nothing pending, so nothing said about it, and 9 is no choice.
    const third = caller('+447700900401');
    await third.dial();
    expect(third.heard()).not.toContain('call back');
  });

  it('or says so in words; a caller who says nothing about it carries on as usual', async () => {
    const { caller, entry } = await clinic();
    await askForCallBack(caller('+447700900402'));
    const again = caller('+447700900402');
    await again.dial();
    await again.say("I don't need the call back any more thanks");
    expect(again.heard()).toMatch(/^Your call-back is cancelled\./);
    expect((await entry('+447700900402')).closedBecause).toBe('cancelled_by_patient');

    await askForCallBack(caller('+447700900403'));
    const other = caller('+447700900403');
    await other.dial();
    await other.press('1'); // booking, as any caller
    expect(other.heard()).not.toMatch(/cancelled/);
    expect(await entry('+447700900403')).toMatchObject({ doneAt: null, closedBecause: null });
  });

  it('a heads-up text to a mobile (texts on); replying NO cancels it, said once however often Twilio repeats it', async () => {
    const { caller, entry, clinic: c, app } = await clinic({ textMessages: true });
    await askForCallBack(caller('+447700900404'));
    const text = await db.prisma.textMessage.findFirstOrThrow({ where: { clinicId: c.id, kind: 'call_back' } });
    expect(text.toNumber).toBe('+447700900404');
    expect(text.body).toMatch(
      /^.*: we will call you back as soon as a receptionist is free, from 0[\d ]{9,12}\. You keep your place in the queue\. If you no longer need the call, reply NO\.$/,
    );
    const reply = {
      MessageSid: 'SM' + 'e'.repeat(32),
      AccountSid: ACCOUNT,
      From: '+447700900404',
      To: c.numbers[0]!,
      Body: 'No thanks',
    };
    const first = await signedTwilioPost(app, '/twilio/sms', reply);
    expect(first.text).toContain('your call-back is cancelled');
    expect((await entry('+447700900404')).closedBecause).toBe('cancelled_by_patient');
    const repeat = await signedTwilioPost(app, '/twilio/sms', reply);
    expect(repeat.text).toContain('your call-back is cancelled');

    // A landline takes no text.
    await askForCallBack(caller('+442079460999'));
    expect(await db.prisma.textMessage.count({ where: { clinicId: c.id, kind: 'call_back' } })).toBe(1);
    // A NO from a number with nothing pending is not ours to answer (the waitlist reader says nothing either).
    const stray = await signedTwilioPost(app, '/twilio/sms', { ...reply, From: '+447700900499' });
    expect(stray.text).not.toContain('call-back');
  });

  it('through to a person on a later call: the call-back is overtaken and closed, by whoever answered', async () => {
    const { caller, entry, anna, clinic: c, ringBack, hub } = await clinic();
    await askForCallBack(caller('+447700900405'));
    const again = caller('+447700900405');
    await again.dial();
    await again.press('3');
    await again.waitInQueue(1, 3);
    // Due to be rung, but the patient is on the line to us: not rung on top of it.
    await ringBack();
    expect(dialled).toEqual([]);
    const callId = (await db.prisma.call.findUniqueOrThrow({ where: { callSid: again.sid } })).id;
    const answered = await anna.browser.send('post', `/api/clinics/${c.id}/calls/${callId}/answer`);
    expect(answered.status).toBe(200);
    await again.movedTo(standin.dequeued.at(-1)!.url);
    expect(await entry('+447700900405')).toMatchObject({
      ringState: 'cancelled',
      closedBecause: 'answered_later',
      doneBy: anna.userId,
    });
    await again.ended(60);
    await hub.heartbeat();
    expect(dialled).toEqual([]);
  });

  it('a patient on the line to us is passed over for a minute, keeping the place, then rung', async () => {
    const { caller, ringBack, clock, entry } = await clinic();
    await askForCallBack(caller('+447700900406'));
    const again = caller('+447700900406');
    await again.dial(); // in the menu, thinking
    await ringBack();
    expect(dialled).toEqual([]);
    expect((await entry('+447700900406')).notBefore).not.toBeNull();
    await again.ended(30);
    clock.advance(ON_THE_LINE_PAUSE_MS + 1_000);
    await ringBack();
    expect(dialled).toEqual(['+447700900406']);
  });

  it('where the clinic allows it, "after 2 pm" is kept: passed over until then, then rung first', async () => {
    const { caller, ringBack, clock, entry } = await clinic({ callBackWindows: true });
    const jane = caller('+447700900407');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    await jane.press('1');
    await jane.leftQueue('leave', 6);
    await jane.press('1');
    expect(jane.heard()).toBe(
      'When would suit you? Say a time later today, for example, after 2 pm. Or press 1 to be called as soon as we can.',
    );
    await jane.say('after 2 pm please');
    expect(jane.heard()).toMatch(/we will call you back after 2, from .*'s number\./);
    await jane.ended(40);
    // 14:00 in London that day (MONDAY_9AM is 09:00 there).
    expect((await entry('+447700900407')).notBefore?.toISOString()).toBe('2027-06-07T13:00:00.000Z');
    await ringBack();
    expect(dialled).toEqual([]);
    clock.set(new Date('2027-06-07T13:00:01Z'));
    await ringBack();
    expect(dialled).toEqual(['+447700900407']);

    // After reception closes (18:00) is refused in words; twice more, and it is as soon as we can.
    const tom = caller('+447700900408');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 5);
    await tom.press('1');
    await tom.leftQueue('leave', 6);
    await tom.press('1');
    await tom.say('after 7 in the evening');
    expect(tom.heard()).toMatch(
      /^Sorry, reception closes at 6 today\. Please choose an earlier time\. When would suit you\?/,
    );
    await tom.silence();
    await tom.silence();
    expect(tom.heard()).toMatch(/We will call you as soon as we can\. Thank you\. You keep your place/);
    expect((await entry('+447700900408')).notBefore).toBeNull();
  });

  it('not where the clinic does not allow it: no question about when', async () => {
    const { caller, entry } = await clinic({ callBackWindows: false });
    const jane = await askForCallBack(caller('+447700900409'));
    expect(jane.heard()).toMatch(/^Thank you\. You keep your place/);
    expect((await entry('+447700900409')).notBefore).toBeNull();
  });

  it('only in reception hours: asked for just before closing, rung first thing when reception opens', async () => {
    const { caller, ringBack, clock, hub, staff } = await clinic();
    clock.set(new Date('2027-06-07T16:54:00Z')); // 17:54 in London, Monday
    await hub.heartbeat(); // Anna's dashboard has stayed open all day
    const tom = caller('+447700900411');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 5); // waiting on the line, ahead of Jane
    clock.advance(30_000);
    await askForCallBack(caller('+447700900410'), { position: 2 });
    clock.set(new Date('2027-06-07T17:05:00Z')); // 18:05: closed since 18:00
    await tom.ended(600);
    await ringBack();
    expect(dialled).toEqual([]);
    clock.set(new Date('2027-06-08T07:31:00Z')); // 08:31 Tuesday: Ben signs in and starts taking calls
    const ben = await staff();
    await ben.available();
    await ringBack();
    expect(dialled).toEqual(['+447700900410']);
  });
});
