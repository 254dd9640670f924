// Call-back in the queue, as a caller takes it: after the clinic's wait (or at once in a
// long queue) "press 1 to keep your place and be called back"; the number confirmed or
// keyed; roughly when; on the list in the caller's place; counted as NHS CBT005.
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import type { Caller } from '../helpers/caller.js';
import type { TestDatabase } from '../helpers/database.js';
import { makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Call-back in the queue (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  const callRow = (sid: string) => db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } });

  async function offering(afterSeconds: number | null = 60) {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: afterSeconds } });
    const anna = await r.staff();
    await anna.available();
    return { ...r, anna };
  }

  /** Queued, waiting `waited` seconds at `position`; the wait URL's answer is in the caller's TwiML. */
  async function queued(caller: Caller, position = 1, waited = 0) {
    await caller.dial();
    await caller.press('3');
    await caller.waitInQueue(position, waited);
  }

  /** Presses 1 into the wait URL's <Gather>, then Twilio's <Leave> runs the <Enqueue> action. */
  async function takesOffer(caller: Caller, waited: number) {
    await caller.press('1');
    expect(caller.twiml).toContain('<Leave/>');
    await caller.leftQueue('leave', waited);
  }

  it('offered after the wait; press 1, confirm the caller ID, told roughly when, and on the list in their place', async () => {
    const { clinic, caller, anna, events, clock, hub } = await offering(60);
    const jane = caller('+447700900123');
    await queued(jane, 1, 10);
    expect(jane.heard()).not.toContain('press 1'); // not yet
    for (let i = 0; i < 5; i++) {
      clock.advance(11_000);
      await hub.heartbeat(); // Anna's dashboard stays open meanwhile
    }
    await jane.waitInQueue(1, 65);
    expect(jane.heard()).toContain('To keep your place in the queue and be called back, press 1.');
    const joined = (await callRow(jane.sid)).queuedAt!;
    await takesOffer(jane, 66);
    expect(jane.heard()).toBe(
      'We will call you back on the number ending 1 2 3. To confirm, press 1. To give another number, press 2.',
    );
    await jane.press('1');
    expect(jane.heard()).toMatch(
      /^Thank you\. You keep your place in the queue, and we will call you back as soon as a receptionist is free, from .*'s number\. If you no longer need the call, ring us and press 9\. You can hang up now\./,
    );
    expect(jane.hungUp()).toBe(true);
    await jane.ended(90);
    await jane.ended(90); // Twilio retrying: nothing twice
    expect(await callRow(jane.sid)).toMatchObject({ queueStatus: 'call_back', outcome: 'call_back_requested' });
    const list = (await anna.browser.get(`/api/clinics/${clinic.id}/call-backs`)).body.callBacks;
    expect(list).toEqual([
      expect.objectContaining({
        reason: 'requested',
        queueCallBack: {
          ringNumber: '+447700900123',
          joinedQueueAt: joined.toISOString(),
          // Anna is free, so she may already be reserved to ring Jane back.
          state: expect.stringMatching(/^(waiting|reserved)$/),
          attempts: 0,
        },
      }),
    ]);
    expect(events.filter((e) => e.name === 'callback.added').map((e) => e.data.reason)).toEqual(['requested']);
    // Not a missed call, and the Live screen's queue no longer has her.
    expect(await db.prisma.textMessage.count({ where: { clinicId: clinic.id } })).toBe(0);
    expect((await anna.browser.get(`/api/clinics/${clinic.id}/queue`)).body.callers).toEqual([]);
  });

  it('at once in a long queue; a withheld caller keys a number, hears it back, and can key it again', async () => {
    const { clinic, caller, anna } = await offering(600);
    const someone = caller('anonymous');
    await queued(someone, 7, 0);
    expect(someone.heard()).toContain('press 1');
    await takesOffer(someone, 3);
    expect(someone.heard()).toBe('Please key the number to call you back on, then press the hash key.');
    await someone.press('12');
    expect(someone.heard()).toContain("Sorry, that doesn't look like a phone number.");
    // A caller cannot make the clinic ring up a bill: premium and foreign numbers are refused.
    for (const costly of ['09098790000', '0033612345678']) {
      await someone.press(costly);
      expect(someone.heard()).toContain('Sorry, we can only call back mobile and landline numbers in this country.');
    }
    await someone.press('07700900456');
    expect(someone.heard()).toBe(
      'We will call you back on 0 7 7 0 0 9 0 0 4 5 6. To confirm, press 1. To key it again, press 2.',
    );
    await someone.press('2');
    await someone.press('07700900457');
    await someone.press('1');
    expect(someone.heard()).toContain('You keep your place in the queue');
    const [entry] = (await anna.browser.get(`/api/clinics/${clinic.id}/call-backs`)).body.callBacks;
    expect(entry.queueCallBack.ringNumber).toBe('+447700900457');
    // The number keyed is personal: it leaves the call's state when the call ends.
    await someone.ended(60);
    expect((await callRow(someone.sid)).ivrState).not.toHaveProperty('callBackNumber');
  });

  it('a caller who hangs up while confirming is still followed up, as one who gave up waiting', async () => {
    const { clinic, caller } = await offering(0);
    const jane = caller('+447700900124');
    await queued(jane, 1, 1);
    await takesOffer(jane, 2);
    await jane.ended(30);
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'abandoned', missedBecause: 'hung_up_waiting' });
    expect((await db.prisma.callBack.findMany({ where: { clinicId: clinic.id } })).map((b) => b.reason)).toEqual([
      'abandoned',
    ]);
  });

  it('a clinic that does not offer call-backs never says so; a missed caller asking later joins their open entry', async () => {
    const off = await offering(null);
    const jane = off.caller('+447700900125');
    await queued(jane, 9, 250);
    expect(jane.twiml).not.toContain('call-back');
    expect(jane.heard()).not.toContain('press 1');

    const { clinic, caller, staff } = await offering(0);
    const ben = caller('+447700900126');
    await ben.dial();
    await ben.press('3');
    await ben.ended(20); // hung up: on the list as abandoned
    const again = caller('+447700900126');
    await queued(again, 1, 1);
    await takesOffer(again, 1);
    await again.press('1');
    const entries = await db.prisma.callBack.findMany({ where: { clinicId: clinic.id }, include: { calls: true } });
    expect(entries.map((e) => [e.reason, e.requestedInQueue, e.calls.length])).toEqual([['requested', true, 2]]);
    // Their place is when they joined the queue this time, not the first call's.
    expect(entries[0]!.joinedQueueAt).toEqual((await callRow(again.sid)).queuedAt);
    void staff;
  });

  it('counted as NHS CBT005: call-back requested', async () => {
    const { clinic, caller, ctx } = await offering(0);
    const jane = caller('+447700900127');
    await queued(jane, 1, 1);
    await takesOffer(jane, 1);
    await jane.press('1');
    await jane.ended(40);
    const { periodReport } = await import('../../src/statistics/statistics.js');
    const day = ctx.clock().toISOString().slice(0, 10);
    const report = await periodReport(db.prisma, { id: clinic.id, timeZone: 'Europe/London' }, day, day, ctx.clock());
    expect(report.nhs!.indicators).toMatchObject({ CBT001: 1, CBT005: 1, CBT004: 0, CBT003: 0 });
  });

  it('another key while the offer stands is told to keep holding, and the offer still stands', async () => {
    const { caller } = await offering(0);
    const jane = caller('+447700900124');
    await queued(jane, 1, 5);
    await jane.press('5');
    expect(jane.heard()).toBe('Please keep holding. To keep your place in the queue and be called back, press 1.');
    expect(jane.twiml).toContain('<Play>https://com.twilio.sounds.music.s3.amazonaws.com/');
    await takesOffer(jane, 8);
    expect(jane.heard()).toMatch(/^We will call you back on the number ending 1 2 4\./);
  });
});
