// Ringing a patient back, with the phone simulator playing Twilio on both ends: Jane
// asks for a call-back from the queue on the simulator, the ring-back job places the
// call through the stand-in, and her phone rings on the simulator, where it is answered
// (by her, or by her voicemail), declined, or left to ring out — all through the
// simulator's API, as its page drives it.
import { clinicOfNumber } from '../../src/clinics/clinics.js';
import { EventBus } from '../../src/core/events.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { RING_SECONDS } from '../../src/reception/ring-back.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { ringPatientsOnTheSimulator } from '../../src/start.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/database.js';
import { ACCOUNT, makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';
import { until } from '../helpers/until.js';

type View = {
  sid: string;
  direction: string;
  from: string;
  to: string;
  state: string;
  takes: string | null;
  transcript: Array<{ who: string; text: string }>;
};
const heard = (call: View) =>
  call.transcript
    .filter((l) => l.who === 'line')
    .map((l) => l.text)
    .join(' ');

describe.each(databaseKinds())("The patient's phone on the simulator rings for a ring-back (%s database)", (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  /** Jane has asked to be called back, Anna is free: the clinic rings Jane, and her phone rings on the simulator. */
  async function janeIsRungBack() {
    // Twilio's ring timeout, held here: a test gives up when it says, not after 20 real seconds.
    const timeouts: Array<{ ms: number; giveUp: () => void }> = [];
    const events = new EventBus();
    const simulator = new Simulator({ accountSid: ACCOUNT, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
      ringTimer: (ms, giveUp) => {
        timeouts.push({ ms, giveUp });
        return () => undefined;
      },
    });
    const r = await makeReception(db, standin, { simulator, events });
    ringPatientsOnTheSimulator(standin, simulator, (n) => clinicOfNumber(db.prisma, n), r.ctx.logger);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const anna = await r.staff();
    await anna.available();
    const base = `/api/clinics/${r.clinic.id}/simulator`;
    const act = async (sid: string, what: string, body?: object) => {
      const res = await anna.browser.send('post', `${base}/calls/${sid}/${what}`, body);
      return { status: res.status, body: res.body as View & { error?: { field?: string; message: string } } };
    };

    // Jane rings from the simulator, waits for reception, presses 1 for a call-back and confirms her number.
    const placed = await anna.browser.send('post', `${base}/calls`, { from: '+447700900321' });
    let jane = (await act(placed.body.sid, 'press', { digits: '3' })).body;
    expect(jane).toMatchObject({ state: 'queued', takes: 'keys' });
    jane = (await act(jane.sid, 'press', { digits: '1' })).body;
    jane = (await act(jane.sid, 'press', { digits: '1' })).body;
    expect(jane.state).toBe('ended');

    // Anna is reserved, the ring-back job rings Jane from the clinic's number.
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    await r.hub.heartbeat();
    await runner.runDue();
    const phone = await until("Jane's phone to ring on the simulator", async () => {
      const calls = (await anna.browser.get(`${base}/patients-phone`)).body.calls as View[];
      return calls[0];
    });
    expect(phone).toMatchObject({
      direction: 'outbound-api',
      from: r.clinic.numbers[0],
      to: '+447700900321',
      state: 'ringing',
    });
    expect(r.events.find((e) => e.name === 'simulator.phone_ringing')?.data).toEqual({
      callSid: phone.sid,
      from: r.clinic.numbers[0],
      to: '+447700900321',
    });
    const entry = await db.prisma.callBack.findFirstOrThrow({ where: { clinicId: r.clinic.id } });
    return { ...r, anna, runner, base, act, phone, timeouts, entry };
  }

  const callBackOf = (id: string) =>
    db.prisma.callBack.findUniqueOrThrow({ where: { id }, include: { attempts: { orderBy: { startedAt: 'asc' } } } });

  it('Jane answers, hears who is calling, presses 1 and is put through to Anna’s browser; Anna hangs up: the call-back is made', async () => {
    const { anna, act, phone, timeouts, entry, events, base } = await janeIsRungBack();
    // Nothing is asked of the service until the phone is answered.
    expect(standin.outbound.get(phone.sid)).toMatchObject({ timeout: RING_SECONDS });
    expect((await act(phone.sid, 'answer', { as: 'robot' })).body.error).toMatchObject({ field: 'as' });

    let jane = (await act(phone.sid, 'answer', { as: 'person' })).body;
    expect(heard(jane)).toMatch(
      /This is .*, calling you back as you asked\. To be put through to reception now, press 1\./,
    );
    expect(jane).toMatchObject({ state: 'gathering', takes: 'keys' });
    // The ring's timeout passing now changes nothing: she answered.
    timeouts[0]!.giveUp();
    expect((await anna.browser.get(`${base}/calls/${phone.sid}`)).body.state).toBe('gathering');
    expect((await act(phone.sid, 'answer', { as: 'person' })).body.error?.message).toBe(
      'The phone is not ringing (the call is gathering).',
    );

    jane = (await act(phone.sid, 'press', { digits: '1' })).body;
    expect(jane.state).toBe('connected');
    const identity = `staff_${anna.userId.replace(/-/g, '')}`;
    expect(events.filter((e) => e.name === 'simulator.browser_ringing').map((e) => e.data)).toEqual([
      { callSid: phone.sid, identity },
    ]);

    // Anna hangs up in her (simulated) browser phone: the bridge ends, then the call.
    jane = (await act(phone.sid, 'reception-hangup')).body;
    expect(jane.state).toBe('ended');
    expect(events.find((e) => e.name === 'simulator.browser_disconnected')?.data).toEqual({
      callSid: phone.sid,
      identity,
    });
    const done = await callBackOf(entry.id);
    expect(done).toMatchObject({ ringState: 'done', doneBy: anna.userId, attemptsMade: 1 });
    expect(done.attempts.map((a) => a.result)).toEqual(['connected']);
    expect(done.attempts[0]!.endedAt).not.toBeNull();
    expect((await anna.browser.get(`${base}/patients-phone`)).body.calls).toEqual([]);
  });

  it("Jane's voicemail answers: a short message and goodbye; the call-back waits its turn again for a retry", async () => {
    const { act, phone, entry, clock } = await janeIsRungBack();
    const machine = (await act(phone.sid, 'answer', { as: 'machine' })).body;
    expect(machine.state).toBe('ended');
    expect(heard(machine)).toMatch(/This is .*, returning your call\. We will try again shortly\.$/);
    const row = await callBackOf(entry.id);
    expect(row).toMatchObject({ ringState: 'waiting', reservedBy: null, doneAt: null, attemptsMade: 1 });
    expect(row.notBefore!.getTime()).toBe(clock().getTime() + 5 * 60_000);
    expect(row.attempts.map((a) => a.result)).toEqual(['machine']);
  });

  it('nobody answers: after the ring Twilio gives up (no answer); the retry rings again and Jane declines it: left on the list', async () => {
    const { anna, act, phone, timeouts, entry, clock, hub, runner, base } = await janeIsRungBack();
    expect(timeouts.map((t) => t.ms)).toEqual([RING_SECONDS * 1000]);
    timeouts[0]!.giveUp();
    await until('Twilio to give up ringing', async () =>
      (await anna.browser.get(`${base}/patients-phone`)).body.calls.length === 0 ? true : undefined,
    );
    const ended = (await anna.browser.get(`${base}/calls/${phone.sid}`)).body as View;
    expect(ended.transcript.map((l) => l.text)).toEqual([
      `${ended.from} is calling +447700900321`,
      '(no answer)',
      'Call ended',
    ]);
    // Its URL was never asked for: no answer, no words.
    expect(heard(ended)).toBe('');
    expect((await act(phone.sid, 'answer', { as: 'person' })).status).toBe(409);
    expect(await callBackOf(entry.id)).toMatchObject({
      ringState: 'waiting',
      attempts: [expect.objectContaining({ result: 'no_answer' })],
    });

    // After the clinic's gap, the second and last try: Jane declines (Twilio's busy).
    await hub.ringBackSettled(); // what the last step woke finishes on the old clock
    clock.advance(5 * 60_000 + 1);
    await hub.heartbeat();
    await runner.runDue();
    const again = await until("Jane's phone to ring again", async () => {
      const calls = (await anna.browser.get(`${base}/patients-phone`)).body.calls as View[];
      return calls.find((c) => c.sid !== phone.sid);
    });
    expect((await act(again.sid, 'decline')).body.state).toBe('ended');
    const listed = await callBackOf(entry.id);
    expect(listed).toMatchObject({ ringState: 'listed', doneAt: null, attemptsMade: 2 });
    expect(listed.attempts.map((a) => a.result)).toEqual(['no_answer', 'busy']);
  });
});
