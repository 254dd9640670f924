// Every caller who wanted a person and was not answered by one lands on the call-back
// list once, with what happened — decided by the call's final status, whichever of
// Twilio's requests arrive before it, after it, twice, or not at all.
import { MISSED_CALL_TEXT_DELAY_MS } from '../../src/texts/texts.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import type { Caller } from '../helpers/caller.js';
import type { TestDatabase } from '../helpers/database.js';
import { makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';

const DESK = '+441632960999';

describe.each(databaseKinds())('Following up every unanswered caller (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  const callRow = (sid: string) => db.prisma.call.findUniqueOrThrow({ where: { callSid: sid } });
  /** The clinic's call-back entries, each with the calls it follows up. */
  const entries = (clinicId: string) =>
    db.prisma.callBack.findMany({
      where: { clinicId },
      orderBy: { createdAt: 'asc' },
      include: { calls: { select: { callSid: true }, orderBy: { startedAt: 'asc' } } },
    });

  /** Ends the call as Twilio does, twice (Twilio retries), and checks the answer. */
  async function ends(caller: Caller, seconds = 90) {
    for (let i = 0; i < 2; i++) expect((await caller.ended(seconds)).status).toBe(200);
  }

  /** Reception with one receptionist available (the queue), or none and maybe a desk phone. */
  async function clinicWith(options: { available?: boolean; desk?: boolean; maxWait?: number } = {}) {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({
      where: { id: r.clinic.id },
      data: { receptionNumber: options.desk ? DESK : null, maxQueueWaitSeconds: options.maxWait ?? 300 },
    });
    if (options.available) await (await r.staff()).available();
    return r;
  }

  it('the longest wait sends a caller to voicemail and they hang up at the tone: a missed call on the list, not "reception"', async () => {
    const { clinic, caller, events } = await clinicWith({ available: true, maxWait: 300 });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 301);
    expect(jane.twiml).toContain('<Leave/>');
    await jane.leftQueue('leave', 301);
    expect(jane.recorder()).toBeDefined();
    // She hangs up at the beep: no message, and only the status callback arrives.
    await ends(jane, 320);
    const call = await callRow(jane.sid);
    expect(call).toMatchObject({ outcome: 'missed', missedBecause: 'longest_wait', queueStatus: 'left' });
    expect((await entries(clinic.id)).map((e) => [e.reason, e.calls.map((c) => c.callSid)])).toEqual([
      ['missed', [jane.sid]],
    ]);
    expect(events.filter((e) => e.name === 'callback.added')).toHaveLength(1);
    expect(events.find((e) => e.name === 'call.ended')?.data).toMatchObject({ outcome: 'missed' });
  });

  it.each([
    ['before', true],
    ['after', false],
  ])(
    'a message left at voicemail makes a voicemail entry, once, with the recording callback %s the final status',
    async (_when, recordingFirst) => {
      const { clinic, caller, events, clock } = await clinicWith({ available: true, maxWait: 300 });
      await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true } });
      const jane = caller();
      await jane.dial();
      await jane.press('3');
      await jane.waitInQueue(1, 301);
      await jane.leftQueue('leave', 301);
      await jane.finishRecording(25);
      if (recordingFirst) for (let i = 0; i < 2; i++) await jane.voicemailRecorded(25);
      await ends(jane);
      if (!recordingFirst) for (let i = 0; i < 2; i++) await jane.voicemailRecorded(25);
      expect(await callRow(jane.sid)).toMatchObject({ outcome: 'voicemail', missedBecause: 'longest_wait' });
      expect((await entries(clinic.id)).map((e) => [e.reason, e.calls.length])).toEqual([['voicemail', 1]]);
      expect(events.filter((e) => e.name === 'voicemail.new')).toHaveLength(1);
      // No "sorry we missed you" text for someone who left a message and was promised a call back:
      // the end, when it came first, queued one for two minutes on, and the message called it off.
      const texts = await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } });
      expect(texts.map((t) => t.status)).toEqual(recordingFirst ? [] : ['cancelled']);
      const jobs = await db.prisma.job.findMany({ where: { kind: 'text.send' } });
      for (const t of texts) {
        const job = jobs.find((j) => (j.payload as { messageId: string }).messageId === t.id)!;
        expect(job.runAt.getTime()).toBe(clock().getTime() + MISSED_CALL_TEXT_DELAY_MS);
      }
    },
  );

  it('nobody free sends the caller straight to voicemail; saying nothing into it is a missed call', async () => {
    const { clinic, caller } = await clinicWith({ available: false });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    expect(jane.recorder()).toBeDefined();
    // <Record> hears no sound: Twilio requests nothing, plays the verbs after it and hangs up.
    expect(jane.heard()).toContain('We did not get a message. Goodbye.');
    await ends(jane, 30);
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'missed', missedBecause: 'nobody_free' });
    expect((await entries(clinic.id)).map((e) => e.reason)).toEqual(['missed']);
  });

  it('silence at every question ends at reception, and then voicemail: still followed up', async () => {
    const { clinic, caller } = await clinicWith({ available: false });
    const jane = caller();
    await jane.dial();
    await jane.silence();
    await jane.silence();
    expect(jane.recorder()).toBeDefined();
    await ends(jane, 40);
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'missed', missedBecause: 'nobody_free' });
    expect((await entries(clinic.id)).length).toBe(1);
  });

  it('the desk phone unanswered: voicemail, then the list', async () => {
    const { clinic, caller } = await clinicWith({ desk: true });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    expect(jane.dialled()).toBe(DESK);
    await jane.dialEnded('no-answer', 0);
    expect(jane.recorder()).toBeDefined();
    await ends(jane, 45);
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'missed', missedBecause: 'desk_unanswered' });
    expect((await entries(clinic.id)).length).toBe(1);
  });

  it("the desk phone's own voicemail picking up cannot take the call: it never presses 1", async () => {
    const { clinic, caller } = await clinicWith({ desk: true });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    const desk = await jane.deskPicksUp();
    expect(desk.heard()).toBe(`A patient is calling ${clinic.name}. Press 1 to take this call.`);
    expect(desk.hungUp()).toBe(true); // after the whisper's question goes unanswered
    // Twilio may report the desk leg as completed: it was "answered", by a machine.
    await jane.dialEnded('completed', 12);
    expect(jane.recorder()).toBeDefined();
    await ends(jane, 60);
    expect(await callRow(jane.sid)).toMatchObject({
      outcome: 'missed',
      missedBecause: 'desk_unanswered',
      answeredAt: null,
    });
    expect((await entries(clinic.id)).length).toBe(1);
  });

  it('a person at the desk presses 1 and takes the call: answered, nothing to follow up', async () => {
    const { clinic, caller, clock } = await clinicWith({ desk: true });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    const desk = await jane.deskPicksUp();
    clock.advance(6_000);
    const take = desk.gatherAction();
    await desk.press('1');
    expect(desk.twiml).not.toContain('<Hangup');
    await desk.repeatLast(take, { Digits: '1' }); // Twilio retrying: still taken, once
    expect(desk.twiml).not.toContain('<Hangup');
    await jane.dialEnded('completed', 120);
    expect(jane.hungUp()).toBe(true);
    await ends(jane, 130);
    const call = await callRow(jane.sid);
    expect(call).toMatchObject({ outcome: 'reception', queueStatus: 'answered', missedBecause: null });
    expect(call.answeredAt!.getTime() - call.queuedAt!.getTime()).toBe(6_000);
    expect(await db.prisma.callEvent.count({ where: { callId: call.id, kind: 'answered' } })).toBe(1);
    expect(await entries(clinic.id)).toEqual([]);
  });

  it('a caller who hangs up while the desk phone rings is abandoned; the desk pressing 1 afterwards is told', async () => {
    const { clinic, caller } = await clinicWith({ desk: true });
    const jane = caller();
    await jane.dial();
    await jane.press('3');
    const desk = await jane.deskPicksUp();
    await ends(jane, 20);
    await desk.press('1');
    expect(desk.heard()).toBe('Sorry, the caller has already hung up.');
    expect(await callRow(jane.sid)).toMatchObject({ outcome: 'abandoned', missedBecause: 'hung_up_waiting' });
    expect((await entries(clinic.id)).map((e) => e.reason)).toEqual(['abandoned']);
  });

  it('a repeat call from the same number joins the open entry; a message on either makes it a voicemail; once done, the next call starts a new one', async () => {
    const { clinic, caller, staff, clock } = await clinicWith({ available: false });
    const anna = await staff();
    const first = caller('+447700900777');
    await first.dial();
    await first.press('3');
    await ends(first, 30);
    clock.advance(10 * 60_000);
    const second = caller('+447700900777');
    await second.dial();
    await second.press('3');
    await second.finishRecording(12);
    await ends(second, 40);
    await second.voicemailRecorded(12);
    let list = await entries(clinic.id);
    expect(list.map((e) => [e.reason, e.calls.map((c) => c.callSid)])).toEqual([
      ['voicemail', [first.sid, second.sid]],
    ]);
    // The dashboard's list: one person to ring back, with both calls and the message.
    const shown = (await anna.browser.get(`/api/clinics/${clinic.id}/call-backs`)).body.callBacks;
    expect(shown).toEqual([
      expect.objectContaining({
        reason: 'voicemail',
        calls: [
          expect.objectContaining({ missedBecause: 'nobody_free', outcome: 'missed' }),
          expect.objectContaining({ missedBecause: 'nobody_free', outcome: 'voicemail' }),
        ],
        voicemail: expect.objectContaining({ durationSeconds: 12 }),
      }),
    ]);
    expect((await anna.browser.send('post', `/api/clinics/${clinic.id}/call-backs/${list[0]!.id}/done`)).status).toBe(
      200,
    );
    clock.advance(10 * 60_000);
    const third = caller('+447700900777');
    await third.dial();
    await third.press('3');
    await ends(third, 10);
    list = await entries(clinic.id);
    expect(list.map((e) => [e.reason, e.calls.length, e.doneAt === null])).toEqual([
      ['voicemail', 2, false],
      ['missed', 1, true],
    ]);
  });

  it('a caller who hangs up while the browser rings for them, their end arriving first, is abandoned once the ring ends', async () => {
    const r = await clinicWith();
    const anna = await r.staff();
    await anna.available();
    const jane = r.caller();
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    const { id } = await callRow(jane.sid);
    expect((await anna.browser.send('post', `/api/clinics/${r.clinic.id}/calls/${id}/answer`)).status).toBe(200);
    await jane.movedTo(standin.dequeued.at(-1)!.url); // the browser rings
    await ends(jane, 20); // she hangs up first; Twilio's <Dial> action comes after
    await jane.dialEnded('no-answer', 0);
    expect(await callRow(jane.sid)).toMatchObject({
      outcome: 'abandoned',
      queueStatus: 'abandoned',
      answeredAt: null,
      answeredBy: null,
    });
    expect((await entries(r.clinic.id)).map((e) => e.reason)).toEqual(['abandoned']);
  });

  it('what a call did stays its outcome, and a clinic that was closed sends no "sorry we missed you" text in the night', async () => {
    const r = await clinicWith({ available: false });
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { textMessages: true } });
    await db.prisma.openingHours.deleteMany({ where: { clinicId: r.clinic.id } }); // closed all week
    const late = r.caller('+447700900611');
    await late.dial();
    await late.press('3');
    expect(late.heard()).toContain('Reception is not taking calls at the moment.');
    await late.press('1'); // a message
    expect(late.recorder()).toBeDefined();
    await ends(late, 30); // hangs up at the tone
    expect(await callRow(late.sid)).toMatchObject({ outcome: 'out_of_hours', missedBecause: 'out_of_hours_message' });
    expect((await entries(r.clinic.id)).map((e) => e.reason)).toEqual(['missed']);
    expect(await db.prisma.textMessage.count({ where: { clinicId: r.clinic.id } })).toBe(0);
  });

  it('withheld numbers are never merged: each unanswered call is its own entry', async () => {
    const { clinic, caller } = await clinicWith({ available: false });
    for (const from of ['anonymous', 'anonymous', 'unknown', '+266696687', '+266696687']) {
      const someone = caller(from);
      await someone.dial();
      await someone.press('3');
      await ends(someone, 15);
    }
    expect((await entries(clinic.id)).map((e) => e.calls.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a caller who books by themselves, or is answered, is not followed up', async () => {
    const { clinic, caller } = await clinicWith({ available: false });
    const jane = caller();
    await jane.dial();
    await jane.say('goodbye');
    await ends(jane, 15);
    expect(await callRow(jane.sid)).toMatchObject({ missedBecause: null, callBackId: null });
    expect(await entries(clinic.id)).toEqual([]);
  });
});
