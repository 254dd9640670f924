// Presence that tells the truth: a person is put through only while their dashboard is
// connected (with a short grace for a reload), and only where the browser can answer.
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { LIVE_FOR_MS, RECONNECT_GRACE_MS } from '../../src/reception/presence.js';
import type { TestDatabase } from '../helpers/database.js';
import { makeReception, openDashboard, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Presence (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  /** Where a caller asking for reception goes now: the queue or voicemail. */
  async function callerGoesTo(r: Awaited<ReturnType<typeof makeReception>>, from: string) {
    const caller = r.caller(from);
    await caller.dial();
    await caller.press('3');
    if (caller.queue) {
      await caller.ended(5); // off the queue again, so the next caller's place is theirs
      return 'queue';
    }
    return caller.recorder() ? 'voicemail' : 'elsewhere';
  }

  it('closing the dashboard makes the person unavailable once the grace for a reconnect has passed, and their clinic is told', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    await db.prisma.user.update({ where: { id: anna.userId }, data: { name: 'Anna Berg' } });
    expect((await anna.available()).status).toBe(200);
    expect(await callerGoesTo(r, '+447700900201')).toBe('queue');

    await anna.closeDashboard();
    r.clock.advance(RECONNECT_GRACE_MS - 1_000);
    expect(await callerGoesTo(r, '+447700900202')).toBe('queue'); // a reload in progress
    r.clock.advance(2_000);
    expect(await callerGoesTo(r, '+447700900203')).toBe('voicemail');
    await r.hub.heartbeat();
    expect(await db.prisma.presence.findUniqueOrThrow({ where: { userId: anna.userId } })).toMatchObject({
      available: false,
    });
    expect(r.events.filter((e) => e.name === 'staff.presence').map((e) => e.data)).toEqual([
      expect.objectContaining({ userId: anna.userId, name: 'Anna Berg', available: true }),
      expect.objectContaining({ userId: anna.userId, name: 'Anna Berg', available: false }),
    ]);
    // Reopening shows away: pressing the button again is a choice, not something that happened to them.
    await anna.openDashboard();
    expect((await anna.browser.get('/api/presence')).body).toEqual({ available: false });
  });

  it('callers already waiting when the last receptionist goes are not left waiting for nobody: voicemail, as nobody free', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    await anna.available();
    const jane = r.caller('+447700900261');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    expect(jane.twiml).not.toContain('<Leave/>');
    await anna.closeDashboard();
    r.clock.advance(RECONNECT_GRACE_MS - 1_000);
    await jane.waitInQueue(1, 40);
    expect(jane.twiml).not.toContain('<Leave/>'); // a reload may bring her back
    r.clock.advance(2_000);
    await jane.waitInQueue(1, 50);
    expect(jane.twiml).toContain('<Leave/>');
    await jane.leftQueue('leave', 50);
    expect(jane.heard()).toMatch(/^Sorry, nobody at reception can take your call just now\. Please leave/);
    await jane.ended(70);
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } })).toMatchObject({
      missedBecause: 'nobody_free',
      outcome: 'missed',
    });
  });

  it('where the clinic has a desk phone, callers left waiting when the last receptionist goes are put through to it', async () => {
    const r = await makeReception(db, standin);
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { receptionNumber: '+441632960999' } });
    const anna = await r.staff();
    await anna.available();
    const jane = r.caller('+447700900262');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    await anna.closeDashboard();
    r.clock.advance(RECONNECT_GRACE_MS + 1_000);
    await jane.waitInQueue(1, 50);
    await jane.leftQueue('leave', 50);
    expect(jane.heard()).toBe('Putting you through to reception now.');
    expect(jane.dialled()).toBe('+441632960999');
    await (await jane.deskPicksUp()).press('1');
    await jane.dialEnded('completed', 120);
    await jane.ended(170);
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } })).toMatchObject({
      queueStatus: 'answered',
      outcome: 'reception',
      callBackId: null,
    });
  });

  it('an open dashboard stays live: each heartbeat holds it for longer than the gap between them', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    await anna.available();
    for (let i = 0; i < 4; i++) {
      r.clock.advance(LIVE_FOR_MS - 5_000);
      await r.hub.heartbeat();
    }
    expect(await callerGoesTo(r, '+447700900211')).toBe('queue');
    expect((await anna.browser.get('/api/presence')).body).toEqual({ available: true });
  });

  it('with two dashboards open, closing one keeps the person taking calls', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    await anna.available();
    const second = await openDashboard(r.url, anna.cookie);
    try {
      await anna.closeDashboard(); // the other tab keeps them live
      r.clock.advance(RECONNECT_GRACE_MS + 5_000);
      await r.hub.heartbeat();
      expect(await callerGoesTo(r, '+447700900221')).toBe('queue');
    } finally {
      second.close();
    }
  });

  it('a person marked available before a restart, with no dashboard since, is not put through and is set away', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    await anna.available();
    // The server restarts: the dashboards are gone; the table still says available.
    await anna.closeDashboard();
    r.clock.advance(10 * 60_000);
    expect(await callerGoesTo(r, '+447700900231')).toBe('voicemail');
    await r.hub.heartbeat();
    expect((await anna.browser.get('/api/presence')).body).toEqual({ available: false });
  });

  it('only the Live screen counts: a dashboard open on another screen does not take calls, and leaving Live is closing it', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    const diary = await openDashboard(r.url, anna.cookie, { live: false });
    try {
      expect((await anna.browser.send('put', '/api/presence', { available: true })).status).toBe(409);
      await diary.emitWithAck('answering', true); // she opens Live
      expect((await anna.browser.send('put', '/api/presence', { available: true })).status).toBe(200);
      expect(await callerGoesTo(r, '+447700900251')).toBe('queue');
      await diary.emitWithAck('answering', false); // and goes back to the Diary
      r.clock.advance(RECONNECT_GRACE_MS + 1_000);
      expect(await callerGoesTo(r, '+447700900252')).toBe('voicemail');
    } finally {
      diary.close();
    }
  });

  it('going available needs the dashboard open and answering in the browser set up, and says so', async () => {
    const r = await makeReception(db, standin);
    const anna = await r.staff();
    const closed = await anna.browser.send('put', '/api/presence', { available: true });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({
      code: 'dashboard_not_connected',
      message: expect.stringMatching(/^Open the dashboard/),
    });
    // Going away always works.
    expect((await anna.browser.send('put', '/api/presence', { available: false })).status).toBe(200);

    const without = await makeReception(db, standin, { twilio: false });
    const ben = await without.staff();
    await ben.openDashboard();
    const refused = await ben.browser.send('put', '/api/presence', { available: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'answering_not_set_up' });
    expect(refused.body.error.message).toContain('callers go to the desk phone or voicemail');
    // Even a row that says available (set before Twilio was taken away) queues nobody there.
    await db.prisma.presence.update({ where: { userId: ben.userId }, data: { available: true } });
    expect(await callerGoesTo(without, '+447700900241')).toBe('voicemail');
  });
});
