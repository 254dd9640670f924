import { EventBus } from '../../src/core/events.js';
import type { LiveHub } from '../../src/live/hub.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL, type TestApp } from '../helpers/app.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { Caller } from '../helpers/caller.js';
import type { TestDatabase } from '../helpers/database.js';
import { makeDiary, openReceptionWeekdays } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

// Monday 7 June 2027, 09:00 in London: reception is open.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, 'The live screen in a real browser', () => {
  let dashboard: LiveDashboard;
  let db: TestDatabase;
  let testApp: TestApp;
  let hub: LiveHub;
  let standin: TwilioStandin;
  beforeAll(async () => {
    // Twilio played in-process, as `npm start` does without an account: reception answers in the simulated browser phone.
    const account = 'AC' + 'e'.repeat(32);
    standin = new TwilioStandin(account, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
    const events = new EventBus();
    const simulator = new Simulator({ accountSid: account, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
      recordings: standin,
    });
    dashboard = await startLiveDashboard(MONDAY_9AM, { simulator, events });
    simulator.listening(dashboard.base);
    ({ db, testApp, hub } = dashboard);
  });
  afterAll(async () => {
    try {
      await dashboard?.close();
    } finally {
      await standin?.stop();
    }
  });
  const signedInPage = (login: { email: string; password: string }) => dashboard.signedInPage(login);

  async function openClinic() {
    const diary = await makeDiary(db.prisma);
    await openReceptionWeekdays(db.prisma, diary.clinic.id);
    return diary;
  }

  it("a call rings on the receptionist's screen within a second, with the caller's name and next appointment; another clinic's never does", async () => {
    const { clinic, patel, checkUp, patient } = await openClinic();
    const other = await openClinic();
    await db.prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: patient.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-09T09:00:00Z'),
        endsAt: new Date('2027-06-09T09:30:00Z'),
        blockedUntil: new Date('2027-06-09T09:30:00Z'),
        source: 'dashboard',
      },
    });
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(anna);
    await page.getByText('Nobody is in the phone menu.').waitFor();

    await new Caller(testApp.app, other.clinic.numbers[0]!, '+447700900888').dial();
    const started = Date.now();
    await new Caller(testApp.app, clinic.numbers[0]!, '+447700900123').dial();
    const ringing = page.getByRole('list', { name: 'Calls in the phone menu' });
    await ringing.getByText('Jane Doe', { exact: true }).waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await ringing.getByText('Jane Doe: next appointment Wed 9 Jun, 10:00 with Anita Patel').waitFor();
    expect(await ringing.locator('li').count()).toBe(1);
    await page.screenshot({ path: 'test-artifacts/live-ringing.png', fullPage: true });
  });

  it('the receptionist goes available, a caller queues, and after the connection drops the screen shows the current queue', async () => {
    const { clinic } = await openClinic();
    const ben = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(ben);
    await page.getByRole('button', { name: 'Start taking calls' }).click();
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    await page.getByText('Nobody is waiting.').waitFor();
    await page.getByText('Phone simulator: answering puts the simulated caller through to this screen.').waitFor();

    // The connection drops, and while it is down a caller asks for reception.
    for (const socket of hub.io.of('/').sockets.values()) socket.conn.close();
    const caller = new Caller(testApp.app, clinic.numbers[0]!, '+447700900123');
    await caller.dial();
    await caller.press('3');
    await caller.waitInQueue(1, 4);
    const queue = page.getByRole('list', { name: 'Queue' });
    await queue.getByText('Jane Doe').waitFor({ timeout: 5_000 });
    expect(await queue.getByRole('button', { name: 'Answer' }).isDisabled()).toBe(false);
    await page.screenshot({ path: 'test-artifacts/live-queue.png', fullPage: true });

    // She hangs up: the queue empties by itself.
    await caller.leftQueue('hangup', 20);
    await page.getByText('Nobody is waiting.').waitFor({ timeout: 5_000 });
  });

  it('until the hub has this screen open, taking calls is off and says why, again after a drop; then a click takes calls', async () => {
    const { clinic } = await openClinic();
    const ben = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(ben);
    // From here the page's word that the Live screen is open is held back on its way to the hub…
    const held: Array<() => void> = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === 'string' && /^42\d*\["answering",true/.test(message))
          held.push(() => server.send(message));
        else server.send(message);
      });
    });
    const start = page.getByRole('button', { name: 'Start taking calls' });
    const connecting = page.getByText('Connecting this screen… you can start taking calls in a moment.');
    /** The page has told the hub and heard nothing back: the button is off, and says why. */
    const waitsForTheHub = async () => {
      await connecting.waitFor({ timeout: 10_000 });
      await until('the page to tell the hub', () => held.length > 0, 10_000);
      expect(await start.isDisabled()).toBe(true);
      await page.getByRole('status').getByText('Away: callers are not put through to you.').waitFor();
      expect(await start.isDisabled()).toBe(true);
    };
    const hubAnswers = async () => {
      for (const send of held.splice(0)) send();
      await connecting.waitFor({ state: 'detached', timeout: 10_000 });
      expect(await start.isEnabled()).toBe(true);
    };

    // …from the page opened again (routes apply to connections a page makes after it loads).
    await page.reload();
    await waitsForTheHub();
    await hubAnswers();
    // The connection drops: until the hub has the screen again, the button waits again.
    for (const socket of hub.io.of('/').sockets.values()) if (socket.data.userId === ben.userId) socket.conn.close();
    await waitsForTheHub();
    await hubAnswers();

    await start.click();
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it("a call-back asked for from the queue stands in the caller's place, says what it waits for, and Done closes it", async () => {
    const { clinic } = await openClinic();
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const ben = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(ben);
    await page.getByRole('button', { name: 'Start taking calls' }).click();
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    const jane = new Caller(testApp.app, clinic.numbers[0]!, '+447700900123');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 4);
    await jane.press('1');
    await jane.leftQueue('leave', 5);
    await jane.press('1');
    await jane.ended(30);
    dashboard.clock.advance(20_000); // Tom rings a little later
    const tom = new Caller(testApp.app, clinic.numbers[0]!, '+447700900555');
    await tom.dial();
    await tom.press('3');
    await tom.waitInQueue(1, 2);
    const rows = page.getByRole('list', { name: 'Queue' }).getByRole('listitem');
    // Jane first (she joined first), then the caller on the line.
    await rows
      .first()
      .getByText(/^Call-back: /)
      .waitFor({ timeout: 5_000 });
    await rows.nth(1).getByRole('button', { name: 'Answer' }).waitFor();
    expect(await rows.first().textContent()).toMatch(/Jane Doe.*Call-back: (rung when next|next, you are kept for it)/);
    await rows
      .first()
      .getByRole('button', { name: /Mark the call-back for Jane Doe done/ })
      .click();
    await page
      .getByRole('list', { name: 'Queue' })
      .getByText(/^Call-back: /)
      .waitFor({ state: 'detached', timeout: 5_000 });
    expect(await rows.count()).toBe(1);
    await tom.leftQueue('hangup', 20);
  });

  it('after 15 quiet minutes taking calls the screen asks "Still taking calls?", and a minute later sets the person away', async () => {
    const { clinic } = await openClinic();
    const dee = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(dee);
    await page.clock.install();
    await page.getByRole('button', { name: 'Start taking calls' }).click();
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    await page.clock.runFor(14 * 60_000);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.clock.runFor(60_000 + 1_000);
    const warning = page.getByRole('alertdialog', { name: 'Still taking calls?' });
    await warning.waitFor();
    // Answering it keeps the person taking calls.
    await warning.getByRole('button', { name: 'Keep taking calls' }).click();
    await page.clock.runFor(2_000);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    expect((await db.prisma.presence.findUniqueOrThrow({ where: { userId: dee.userId } })).available).toBe(true);
    // Quiet again: the warning, then away after its minute.
    await page.clock.runFor(15 * 60_000 + 1_000);
    await warning.waitFor();
    await page.clock.runFor(61_000);
    await page.getByText('You were set away after 15 minutes without activity.').waitFor();
    await page.getByRole('button', { name: 'Start taking calls' }).waitFor();
    expect((await db.prisma.presence.findUniqueOrThrow({ where: { userId: dee.userId } })).available).toBe(false);
  });

  it("a booking made by one receptionist appears live in another receptionist's diary", async () => {
    const { clinic } = await openClinic();
    const [anna, ben] = [
      await makeStaff(db.prisma, clinic.id, 'receptionist'),
      await makeStaff(db.prisma, clinic.id, 'receptionist'),
    ];
    const [a, b] = [await signedInPage(anna), await signedInPage(ben)];
    for (const page of [a, b]) {
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Diary' }).click();
      await page.getByLabel('Date').fill('2027-06-07');
      await page.getByText('No appointments this day.').waitFor();
    }
    await a.getByRole('button', { name: 'Book an appointment' }).click();
    await a.getByLabel('Patient name or number').fill('Jane');
    await a.getByRole('button', { name: 'Find patient' }).click();
    await a.getByText('For Jane Doe').waitFor();
    await a.getByLabel('Appointment type').selectOption({ label: 'Check-up (30 min)' });
    await a.getByRole('region', { name: 'Free times' }).getByRole('button').first().click();
    await a.getByText(/^Booked Jane Doe for /).waitFor();
    await b
      .getByRole('region', { name: 'Calendar' })
      .getByRole('button', { name: /Jane Doe, Check-up/ })
      .waitFor({ timeout: 3_000 });
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id, status: 'booked' } })).toBe(1);
  });

  it("the patients and calls screens: find a patient with their calls, ring back a caller who gave up, read a call's timeline; readable on a tablet", async () => {
    const { clinic } = await openClinic();
    const cara = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const page = await signedInPage(cara);
    await page.getByRole('button', { name: 'Start taking calls' }).click();
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    const caller = new Caller(testApp.app, clinic.numbers[0]!, '+447700900123');
    await caller.dial();
    await caller.press('3');
    await caller.leftQueue('hangup', 30);

    const nav = page.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('link', { name: 'Patients' }).click();
    await page.getByLabel('Name, number or date of birth').fill('Jane');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('list', { name: 'Search results' }).getByRole('button', { name: 'Jane Doe' }).click();
    await page
      .getByRole('region', { name: 'Jane Doe' })
      .getByText(/— abandoned$/)
      .waitFor();
    await page.screenshot({ path: 'test-artifacts/patients.png', fullPage: true });

    await nav.getByRole('link', { name: 'Calls' }).click();
    const list = page.getByRole('list', { name: 'Call-back list' });
    await list.getByText('Hung up while waiting').waitFor(); // why nobody answered, beside "No message"
    // Whom to ring back, by name, with the number to dial.
    expect(await list.getByRole('listitem').first().textContent()).toMatch(
      /^Jane Doe\+447700900123No messageHung up while waiting/,
    );
    await page.getByRole('table', { name: 'Call log' }).getByRole('button').first().click();
    await page
      .getByRole('region', { name: 'Call timeline' })
      .getByText(/— ringing$/)
      .waitFor();
    await page.screenshot({ path: 'test-artifacts/calls.png', fullPage: true });
    await list.getByRole('button', { name: 'Mark called back' }).click();
    await page.getByText('Nobody is waiting for a call back.').waitFor();
    expect(await db.prisma.callBack.findFirstOrThrow({ where: { clinicId: clinic.id } })).toMatchObject({
      doneBy: cara.userId,
    });

    // A tablet: nothing wider than the screen.
    await page.setViewportSize({ width: 768, height: 1024 });
    await nav.getByRole('link', { name: 'Live' }).click();
    await page.getByRole('region', { name: 'Live' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: 'test-artifacts/live-tablet.png', fullPage: true });
  });
});
