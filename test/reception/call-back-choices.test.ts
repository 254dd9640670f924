// What a patient who asked to be called back can do about it, and what the clinic's rules
// do with it: cancel it by a key or in words when ringing again, or by replying NO to the
// heads-up text; get through on a later call (the call-back is overtaken); choose a later
// time today where the clinic allows it; ring-backs only in reception's hours; a patient on
// the line to the clinic is not rung on top of it.
import { signedTwilioPost } from '../helpers/twilio.js';
import type { OutboundCall } from '../../src/twilio-standin/server.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import type { TestDatabase } from '../helpers/database.js';
import { ACCOUNT, askForCallBack, makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('A call-back the patient asked for (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  let dialled: string[] = [];
  let rung: OutboundCall[] = [];
  receptionWorld(kind, (w) => {
    ({ db, standin } = w);
    standin.onOutboundCall = (call) => {
      dialled.push(call.to);
      rung.push(call);
    };
  });
  beforeEach(() => {
    dialled = [];
    rung = [];
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

  it('told at the request that 9 cancels it; ringing again, 9 does, the number is texted, and it is never rung', async () => {
    const { caller, entry, ringBack, events, clinic: c } = await clinic({ textMessages: true });
    const jane = await askForCallBack(caller('+447700900401'));
    expect(jane.heard()).toContain('If you no longer need the call, ring us and press 9.');
    const again = caller('+447700900401');
    await again.dial();
    // Caller ID can be spoofed: nothing is said about the number's call-back before it is cancelled.
    expect(again.heard()).not.toMatch(/call(ed)? back/);
    const question = again.gatherAction();
    await again.press('9');
    expect(again.heard()).toMatch(
      /^Thank you\. Any call-back waiting for this number is cancelled\. Is there anything else I can help with\?/,
    );
    expect(await entry('+447700900401')).toMatchObject({
      ringState: 'cancelled',
      closedBecause: 'cancelled_by_patient',
      doneBy: null,
    });
    expect(events.find((e) => e.name === 'callback.done')?.data).toMatchObject({ because: 'cancelled_by_patient' });
    const texts = await db.prisma.textMessage.findMany({ where: { clinicId: c.id, toNumber: '+447700900401' } });
    expect(texts.map((t) => t.body).at(-1)).toMatch(
      /your call-back was cancelled by phone\. If that was not you, please call us\./,
    );
    await again.repeatLast(question, { Digits: '9' }); // Twilio repeating the request: the same words, nothing more
    expect(again.heard()).toMatch(/^Thank you\. Any call-back waiting for this number is cancelled\./);
    expect(await db.prisma.textMessage.count({ where: { clinicId: c.id, toNumber: '+447700900401' } })).toBe(
      texts.length,
    );
    await again.ended(20);
    await ringBack();
    expect(dialled).toEqual([]);
    // A caller with nothing pending who presses 9 hears the same words, and nothing changes.
    const stranger = caller('+447700900499');
    await stranger.dial();
    await stranger.press('9');
    expect(stranger.heard()).toMatch(/^Thank you\. Any call-back waiting for this number is cancelled\./);
  });

  it('or says so in words; other words about a call-back, or about cancelling an appointment, do not cancel it', async () => {
    const { caller, entry } = await clinic();
    await askForCallBack(caller('+447700900402'));
    const again = caller('+447700900402');
    await again.dial();
    await again.say("I don't need the call back any more thanks");
    expect(again.heard()).toMatch(/^Thank you\. Any call-back waiting for this number is cancelled\./);
    expect((await entry('+447700900402')).closedBecause).toBe('cancelled_by_patient');

    await askForCallBack(caller('+447700900403'));
    const other = caller('+447700900403');
    await other.dial();
    await other.say("I'm still waiting for my call back, please don't forget me");
    expect(other.heard()).not.toMatch(/cancelled/);
    await other.say('I need to cancel my appointment, can someone call me back');
    expect(other.heard()).not.toMatch(/call-back .*cancelled/);
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
    // A NO from a number never sent a heads-up is not ours to answer.
    const stray = await signedTwilioPost(app, '/twilio/sms', { ...reply, From: '+447700900499' });
    expect(stray.text).not.toContain('call-back');
  });

  it('a NO that answers a later waiting-list offer is not taken as cancelling the call-back', async () => {
    const { caller, entry, clinic: c, app } = await clinic({ textMessages: true });
    await askForCallBack(caller('+447700900412'));
    // Later, a waiting-list offer goes to the same number: its NO is about the offer.
    await db.prisma.textMessage.create({
      data: { clinicId: c.id, kind: 'waitlist_offer', toNumber: '+447700900412', body: 'offer', status: 'sent' },
    });
    const reply = {
      MessageSid: 'SM' + 'f'.repeat(32),
      AccountSid: ACCOUNT,
      From: '+447700900412',
      To: c.numbers[0]!,
      Body: 'No',
    };
    const answered = await signedTwilioPost(app, '/twilio/sms', reply);
    expect(answered.text).not.toContain('call-back');
    expect(await entry('+447700900412')).toMatchObject({ doneAt: null });
  });

  it('a patient who rings again while their call-back waits is not rung on top of it; the desk sees them in its place', async () => {
    const { caller, anna, clinic: c, ringBack, entry, app, clock, hub } = await clinic();
    await askForCallBack(caller('+447700900405'));
    await ringBack();
    // Nobody answers; the call-back waits out the gap in its place.
    const call = rung[0]!;
    await signedTwilioPost(
      app,
      call.statusCallback!.replace('https://phone.clinic.test', ''),
      standin.outboundParams(call.sid, { CallStatus: 'no-answer' }),
    );
    dialled.length = 0;
    const again = caller('+447700900405');
    await again.dial();
    await again.press('3');
    await again.waitInQueue(1, 3);
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(6 * 60_000); // past the gap: due, but the patient is on the line to us
    await ringBack();
    expect(dialled).toEqual([]);
    const queue = (await anna.browser.get(`/api/clinics/${c.id}/queue`)).body;
    const callId = (await db.prisma.call.findUniqueOrThrow({ where: { callSid: again.sid } })).id;
    expect(queue.callBacks).toEqual([expect.objectContaining({ ringNumber: '+447700900405', onLineCallId: callId })]);
    // Answered in the call-back's place; the desk marks the call-back done (a shared phone may mean someone else).
    expect((await anna.browser.send('post', `/api/clinics/${c.id}/calls/${callId}/answer`)).status).toBe(200);
    expect(await entry('+447700900405')).toMatchObject({ doneAt: null });
    const { id } = await entry('+447700900405');
    expect((await anna.browser.send('post', `/api/clinics/${c.id}/call-backs/${id}/done`)).status).toBe(200);
    await again.ended(60);
    await ringBack();
    expect(dialled).toEqual([]);
  });

  it('the patient still on the line hearing "you can hang up now" is not rung; once they hang up, they are', async () => {
    const { caller, ringBack } = await clinic();
    const jane = caller('+447700900406');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    await jane.press('1');
    await jane.leftQueue('leave', 6);
    await jane.press('1'); // filed: "…You can hang up now."
    await ringBack();
    expect(dialled).toEqual([]);
    await jane.ended(40);
    await ringBack();
    expect(dialled).toEqual(['+447700900406']);
  });

  it('where the clinic allows it, "after 2 pm" is kept: passed over until then, then rung first', async () => {
    const { caller, ringBack, clock, entry, hub } = await clinic({ callBackWindows: true });
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
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
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
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.set(new Date('2027-06-07T16:54:00Z')); // 17:54 in London, Monday
    await hub.heartbeat(); // Anna's dashboard has stayed open all day
    const tom = caller('+447700900411');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 5); // waiting on the line, ahead of Jane
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(30_000);
    await askForCallBack(caller('+447700900410'), { position: 2 });
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.set(new Date('2027-06-07T17:05:00Z')); // 18:05: closed since 18:00
    await tom.ended(600);
    await ringBack();
    expect(dialled).toEqual([]);
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.set(new Date('2027-06-08T07:31:00Z')); // 08:31 Tuesday: Ben signs in and starts taking calls
    const ben = await staff();
    await ben.available();
    await ringBack();
    expect(dialled).toEqual(['+447700900410']);
  });
});
