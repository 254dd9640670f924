// Ringing back a caller who asked from the queue, through Twilio's real requests: the
// stand-in places the call (refusing a ring under 15 s) and this test plays the patient's
// phone. Requested → reserved → rung → 1 → put through; machine → message → retried in
// place → left on the list; the receptionist who goes away hands the reservation on.
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { TwilioStandin, type OutboundCall } from '../../src/twilio-standin/server.js';
import type { Caller } from '../helpers/caller.js';
import type { TestDatabase } from '../helpers/database.js';
import { askForCallBack, makeReception, patientsPhone, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';
import { RECONNECT_GRACE_MS } from '../../src/reception/presence.js';
import { ringBackJobs, ringBackNext, STUCK_AFTER_MS } from '../../src/reception/ring-back.js';
import { settleAttempt } from '../../src/reception/ring-back-tries.js';

describe.each(databaseKinds())('Ringing back from the queue (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  const placed: OutboundCall[] = [];
  receptionWorld(kind, (w) => {
    ({ db, standin } = w);
    standin.onOutboundCall = (call) => placed.push(call);
  });

  async function requested() {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const anna = await r.staff();
    await anna.available();
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    const jane: Caller = r.caller('+447700900321');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    await jane.press('1');
    await jane.leftQueue('leave', 6);
    await jane.press('1');
    await jane.ended(40);
    const entry = await db.prisma.callBack.findFirstOrThrow({ where: { clinicId: r.clinic.id } });
    return { ...r, anna, runner, jane, entry };
  }

  const phone = (app: Parameters<typeof patientsPhone>[0], call: OutboundCall) => patientsPhone(app, standin, call);

  it('requested → a receptionist reserved → the patient rung from the clinic number → 1 → put through → done', async () => {
    const { clinic, anna, runner, entry, hub, app, events } = await requested();
    placed.length = 0;
    await hub.heartbeat();
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'reserved',
      reservedBy: anna.userId,
    });
    expect(events.find((e) => e.name === 'callback.reserved')?.data).toMatchObject({ staffId: anna.userId });
    await hub.heartbeat(); // again: still one reservation, one dial
    await runner.runDue();
    await runner.runDue();
    expect(placed).toHaveLength(1);
    const call = placed[0]!;
    expect(call).toMatchObject({ to: '+447700900321', from: clinic.numbers[0], machineDetection: 'Enable' });
    expect(call.timeout).toBeGreaterThanOrEqual(15);
    const patient = phone(app, call);
    const answered = await patient.answer('human');
    expect(answered.text).toMatch(
      /<Say[^>]*>This is .*, calling you back as you asked\. To be put through to reception now, press 1\.<\/Say>/,
    );
    const through = await patient.press(answered.text, '1');
    expect(through.text).toContain(`<Client>staff_${anna.userId.replace(/-/g, '')}</Client>`);
    await patient.bridged(through.text, 'completed');
    await patient.ends('completed');
    await patient.ends('completed'); // a retry changes nothing
    const done = await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id }, include: { attempts: true } });
    expect(done).toMatchObject({ ringState: 'done', doneBy: anna.userId, attemptsMade: 1 });
    expect(done.doneAt).not.toBeNull();
    expect(done.attempts.map((a) => a.result)).toEqual(['connected']);
    // NHS CBT006: one dialled, one connected.
    const { periodReport } = await import('../../src/statistics/statistics.js');
    const now = (await db.prisma.callBackAttempt.findFirstOrThrow({ where: { callBackId: entry.id } })).startedAt;
    const day = now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const report = await periodReport(db.prisma, { id: clinic.id, timeZone: 'Europe/London' }, day, day, now);
    expect(report.nhs!.indicators).toMatchObject({ CBT005: 1, CBT006: 1, CBT006_connected: 1 });
  });

  it('a machine answers: a short message, never done; retried after the gap in its place; after the tries, left on the list', async () => {
    const { anna, runner, entry, hub, app, clock } = await requested();
    placed.length = 0;
    for (let attempt = 1; attempt <= 2; attempt++) {
      await hub.heartbeat();
      await runner.runDue();
      expect(placed).toHaveLength(attempt);
      const patient = phone(app, placed.at(-1)!);
      const answered = await patient.answer('machine_start');
      // The last try does not promise another.
      expect(answered.text).toMatch(
        attempt === 1
          ? /returning your call\. We will try again shortly\.<\/Say><Hangup\/>/
          : /returning your call\. Please call us back when you can\.<\/Say><Hangup\/>/,
      );
      await patient.ends('completed');
      const row = await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } });
      if (attempt === 1) {
        expect(row).toMatchObject({ ringState: 'waiting', reservedBy: null, doneAt: null });
        // Within the gap nothing is rung; after it, the second try.
        await hub.ringBackSettled(); // what the last step woke finishes on the old clock
        clock.advance(4 * 60_000);
        await hub.heartbeat();
        await runner.runDue();
        expect(placed).toHaveLength(1);
        await hub.ringBackSettled(); // what the last step woke finishes on the old clock
        clock.advance(60_000 + 1);
      } else expect(row).toMatchObject({ ringState: 'listed', doneAt: null, attemptsMade: 2 });
    }
    const list = (await anna.browser.get(`/api/clinics/${entry.clinicId}/call-backs`)).body.callBacks;
    expect(list[0]).toMatchObject({ reason: 'requested', queueCallBack: { state: 'listed', attempts: 2 } });
    const attempts = await db.prisma.callBackAttempt.findMany({ where: { callBackId: entry.id } });
    expect(attempts.map((a) => a.result)).toEqual(['machine', 'machine']);
  });

  it("the call's end before the bridge's: still made once; marked done by hand first: never rung", async () => {
    const { anna, runner, entry, hub, app } = await requested();
    placed.length = 0;
    await hub.heartbeat();
    await runner.runDue();
    const patient = phone(app, placed[0]!);
    const answered = await patient.answer('human');
    const through = await patient.press(answered.text, '1');
    await patient.ends('completed'); // the status callback first…
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({ doneAt: null });
    await patient.bridged(through.text, 'completed'); // …then the bridge's action
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'done',
      doneBy: anna.userId,
    });
    await hub.heartbeat();
    await runner.runDue();
    expect(placed).toHaveLength(1);

    const second = await requested();
    placed.length = 0;
    const done = await second.anna.browser.send(
      'post',
      `/api/clinics/${second.entry.clinicId}/call-backs/${second.entry.id}/done`,
    );
    expect(done.status).toBe(200);
    await second.hub.heartbeat();
    await second.runner.runDue();
    expect(placed).toHaveLength(0);
  });

  it('never rung while an earlier caller still waits on the line; the reservation passes on if the person goes', async () => {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const anna = await r.staff();
    await anna.available();
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    const first = r.caller('+447700900331');
    await first.dial();
    await first.press('3');
    await first.waitInQueue(1, 1); // still waiting on the line
    await r.hub.ringBackSettled(); // what the last step woke finishes on the old clock
    r.clock.advance(1_000);
    const second = r.caller('+447700900332');
    await second.dial();
    await second.press('3');
    await second.waitInQueue(2, 1);
    await second.press('1');
    await second.leftQueue('leave', 2);
    await second.press('1');
    await second.ended(20);
    placed.length = 0;
    await r.hub.heartbeat();
    await runner.runDue();
    expect(placed).toHaveLength(0); // the earlier live caller comes first
    await first.ended(30); // they hang up: now the call-back is next
    await r.hub.heartbeat();
    const entry = await db.prisma.callBack.findFirstOrThrow({
      where: { clinicId: r.clinic.id, requestedInQueue: true },
    });
    expect(entry).toMatchObject({ ringState: 'reserved', reservedBy: anna.userId });
    // Anna closes her dashboard before the dial: after the grace the reservation is handed back.
    await anna.closeDashboard();
    await r.hub.ringBackSettled(); // what the last step woke finishes on the old clock
    r.clock.advance(RECONNECT_GRACE_MS + 1_000);
    await r.hub.heartbeat();
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'waiting',
      reservedBy: null,
    });
    await runner.runDue();
    expect(placed).toHaveLength(0); // the queued dial saw the reservation gone
  });
});

describe.each(databaseKinds())('Ringing back when plans change (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  const placed: OutboundCall[] = [];
  receptionWorld(kind, (w) => {
    ({ db, standin } = w);
    standin.onOutboundCall = (call) => placed.push(call);
  });
  beforeEach(() => {
    placed.length = 0;
  });

  async function reserved() {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const anna = await r.staff();
    await anna.available();
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    await askForCallBack(r.caller('+447700900351'));
    await r.hub.heartbeat();
    const entry = await db.prisma.callBack.findFirstOrThrow({ where: { clinicId: r.clinic.id } });
    expect(entry).toMatchObject({ ringState: 'reserved', reservedBy: anna.userId });
    return { ...r, anna, runner, entry };
  }

  /** Twilio's request for the rung patient's answer, then their key. */
  async function answeredAndPressed(app: Parameters<typeof patientsPhone>[0], call: OutboundCall, digits = '1') {
    const patient = patientsPhone(app, standin, call);
    return patient.press((await patient.answer('human')).text, digits);
  }

  it('a reserved receptionist who picks a caller by hand hands the call-back on; once it rings, they cannot', async () => {
    const { anna, runner, entry, caller, clinic } = await reserved();
    const tom = caller('+447700900352');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 3);
    const tomCall = await db.prisma.call.findUniqueOrThrow({ where: { callSid: tom.sid } });
    expect((await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${tomCall.id}/answer`)).status).toBe(200);
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'waiting',
      reservedBy: null,
    });
    await runner.runDue(); // the dial queued for Anna sees the reservation gone
    expect(placed).toHaveLength(0);

    // Another clinic day: reserved and rung; now Answer is refused with the reason.
    const second = await reserved();
    await second.runner.runDue();
    expect(placed).toHaveLength(1);
    const sam = second.caller('+447700900353');
    await sam.dial();
    await sam.press('3');
    const samCall = await db.prisma.call.findUniqueOrThrow({ where: { callSid: sam.sid } });
    const refused = await second.anna.browser.send(
      'post',
      `/api/clinics/${second.clinic.id}/calls/${samCall.id}/answer`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/You are ringing back a patient .* press 1/);
  });

  it('the reserved person went before the patient pressed 1: another free receptionist takes it; nobody free: the place is kept', async () => {
    const { anna, runner, entry, staff, app, clock, hub, events } = await reserved();
    await runner.runDue();
    const ben = await staff();
    await ben.available();
    await anna.closeDashboard();
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(RECONNECT_GRACE_MS + 1_000);
    await hub.heartbeat(); // Ben's dashboard is still open; Anna's has gone
    const through = await answeredAndPressed(app, placed[0]!);
    expect(through.text).toContain(`<Client>staff_${ben.userId.replace(/-/g, '')}</Client>`);
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'ringing',
      reservedBy: ben.userId,
    });
    expect(events.filter((e) => e.name === 'callback.ringing').at(-1)?.data).toMatchObject({ staffId: ben.userId });

    const second = await reserved();
    await second.runner.runDue();
    await second.anna.closeDashboard();
    await second.hub.ringBackSettled(); // what the last step woke finishes on the old clock
    second.clock.advance(RECONNECT_GRACE_MS + 1_000);
    const alone = await answeredAndPressed(second.app, placed.at(-1)!);
    expect(alone.text).toMatch(
      /Sorry, reception has just become busy\. You keep your place, and we will ring you again in a minute or two\. Goodbye\./,
    );
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: second.entry.id } })).toMatchObject({
      ringState: 'waiting',
      reservedBy: null,
      attemptsMade: 1,
    });
    const tries = await db.prisma.callBackAttempt.findMany({ where: { callBackId: second.entry.id } });
    expect(tries.map((t) => t.result)).toEqual(['not_put_through']);
  });

  it('the browser never took the bridged call: the try ends unconnected at once, and the receptionist is free again', async () => {
    const { runner, entry, app } = await reserved();
    await runner.runDue();
    const through = await answeredAndPressed(app, placed[0]!);
    const bridged = await patientsPhone(app, standin, placed[0]!).bridged(through.text, 'no-answer', 0);
    expect(bridged.text).toMatch(
      /Sorry, reception could not take the call\. You keep your place, and we will ring you again in a minute or two\./,
    );
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'waiting',
      reservedBy: null,
    });
  });

  it('a conversation longer than the stuck limit is left alone, and its end still makes the call-back', async () => {
    const { runner, entry, app, clock, hub, anna } = await reserved();
    await runner.runDue();
    const through = await answeredAndPressed(app, placed[0]!);
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(STUCK_AFTER_MS + 5 * 60_000); // twenty minutes of talk
    await hub.heartbeat();
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'ringing',
      reservedBy: anna.userId,
    });
    await patientsPhone(app, standin, placed[0]!).bridged(through.text, 'completed', 1200);
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'done',
      closedBecause: 'rung_back',
      reservedBy: null,
    });
  });

  it('a try settled before its conversation was heard of (a lost bridge, swept) still makes the call-back when the end comes', async () => {
    const { runner, entry, app, clock, hub } = await reserved();
    await runner.runDue();
    const through = await answeredAndPressed(app, placed[0]!);
    const patient = patientsPhone(app, standin, placed[0]!);
    // The call's end arrives, the bridge's action is lost for now: swept after the limit.
    await patient.ends('completed', 300);
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(STUCK_AFTER_MS + 1_000);
    await hub.heartbeat();
    expect((await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).ringState).not.toBe('ringing');
    await patient.bridged(through.text, 'completed', 280);
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'done',
      closedBecause: 'rung_back',
    });
  });

  it('a dial job run again after it moved the call-back to ringing but never recorded the call: back in its place, nobody held', async () => {
    const { entry, ctx, anna, hub } = await reserved();
    const { attemptId } = await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } });
    // The first run got as far as "ringing" and died before Twilio's answer was written down.
    await db.prisma.callBack.update({ where: { id: entry.id }, data: { ringState: 'ringing', attemptsMade: 1 } });
    await ringBackJobs(ctx)['callback.dial']({ attemptId: attemptId! });
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      reservedBy: null,
      attemptId: null,
      attemptsMade: 1,
    });
    expect(placed).toHaveLength(0);
    // Anna is free again: the next pass may reserve her (for the next try, after the gap).
    await hub.heartbeat();
    const holding = await db.prisma.callBack.count({ where: { reservedBy: anna.userId, ringState: 'ringing' } });
    expect(holding).toBe(0);
  });

  it("an old try's end never hands on the try now in hand", async () => {
    const { entry, ctx, anna, caller, clinic, runner } = await reserved();
    const first = (await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).attemptId!;
    // Anna picks a caller by hand (the reservation is handed back), then is free again and reserved anew.
    const tom = caller('+447700900354');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 3);
    const tomCall = await db.prisma.call.findUniqueOrThrow({ where: { callSid: tom.sid } });
    await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${tomCall.id}/answer`);
    await tom.ended(30);
    await ringBackNext(ctx, clinic.id);
    const now = await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } });
    expect(now).toMatchObject({ ringState: 'reserved', reservedBy: anna.userId });
    expect(now.attemptId).not.toBe(first);
    await settleAttempt(ctx, first, 'no_answer'); // a late end for the first try
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      ringState: 'reserved',
      attemptId: now.attemptId,
    });
    await runner.runDue();
    expect(placed).toHaveLength(1); // the first try's job ended itself; the second rang once
  });
});
