// Ringing back on the phone simulator, in a real browser: Jane asks for a call-back from
// the queue on the simulator page; when the clinic rings her, her phone rings on the same
// page; she answers and presses 1, and Anna's Live screen, open in another tab, is on
// the call until she hangs up. And Anna rings a patient back herself, from the call-back
// list: the simulator's patient's phone rings, he answers, she hangs up from the call bar.
import { clinicOfNumber } from '../../src/clinics/clinics.js';
import { EventBus } from '../../src/core/events.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { ringPatientsOnTheSimulator } from '../../src/start.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, openReceptionWeekdays } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { ACCOUNT } from '../helpers/reception.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

// Monday 7 June 2027, 09:00 in London: reception is open.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, 'Ringing back on the phone simulator in a real browser', () => {
  let dashboard: LiveDashboard;
  let standin: TwilioStandin;
  let simulator: Simulator;
  beforeAll(async () => {
    // The server plays Twilio, as on a machine with no Twilio account: REST by the stand-in, calls by the simulator.
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
    const events = new EventBus();
    simulator = new Simulator({ accountSid: ACCOUNT, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
      recordings: standin,
      ringTimer: () => () => undefined, // nobody is rushed: the ring never times out here
    });
    dashboard = await startLiveDashboard(MONDAY_9AM, {
      simulator,
      events,
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    simulator.listening(dashboard.base);
    const { db, testApp } = dashboard;
    ringPatientsOnTheSimulator(standin, simulator, (n) => clinicOfNumber(db.prisma, n), testApp.ctx.logger);
  });
  afterAll(async () => {
    simulator?.stop();
    await dashboard?.close();
    await standin?.stop();
  });

  it("Jane's phone rings on the simulator page; she answers and presses 1, and Anna's Live screen is on the call", async () => {
    const { db, testApp, hub } = dashboard;
    const { clinic } = await makeDiary(db.prisma);
    await openReceptionWeekdays(db.prisma, clinic.id);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { queueCallBackAfterSeconds: 0 } });
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');

    const desk = await dashboard.signedInPage(anna);
    await desk.getByRole('button', { name: 'Start taking calls' }).click();
    await desk.getByRole('button', { name: 'Stop taking calls' }).waitFor();

    // Jane calls, waits for reception, presses 1 for a call-back and confirms her number.
    const page = await dashboard.signedInPage(owner);
    await page.getByRole('link', { name: 'Phone simulator' }).click();
    const patientsPhone = page.getByRole('region', { name: "The patient's phone" });
    await patientsPhone.getByText('Nothing is ringing.', { exact: false }).waitFor();
    await page.getByLabel('Calling from').fill('+447700900123');
    await page.getByRole('button', { name: 'Call the clinic' }).click();
    const heard = page.getByRole('list', { name: 'What the caller hears' });
    const keypad = page.getByRole('region', { name: 'Phone simulator' }).getByRole('group', { name: 'Keypad' });
    await heard.getByText(/How can I help\?/).waitFor();
    for (const [key, expected] of [
      ['3', /To keep your place in the queue and be called back, press 1\./],
      ['1', /the number ending/],
      ['1', /You keep your place in the queue/],
    ] as const) {
      await keypad.getByRole('button', { name: key, exact: true }).click();
      await heard.getByText(expected).waitFor();
    }

    // Anna is free: the clinic rings Jane back.
    const runner = new JobRunner(db, jobHandlers(testApp.ctx), {
      logger: testApp.ctx.logger,
      clock: testApp.ctx.clock,
    });
    await hub.heartbeat();
    await runner.runDue();
    await patientsPhone
      .getByRole('status')
      .getByText(`Ringing: ${clinic.name} (${clinic.numbers[0]}) is calling +447700900123`)
      .waitFor();
    await patientsPhone.getByRole('button', { name: 'Answer', exact: true }).click();
    const janeHears = patientsPhone.getByRole('list', { name: 'What the patient hears' });
    await janeHears.getByText(/calling you back as you asked/).waitFor();
    await patientsPhone.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: '1', exact: true }).click();

    // Anna's Live screen takes it; Jane is talking to reception until Anna hangs up.
    await desk.getByText('On a simulated call').waitFor();
    await patientsPhone.getByRole('status').getByText('Talking to reception').waitFor();
    await page.screenshot({ path: 'test-artifacts/simulator-ring-back.png', fullPage: true });
    await desk.getByRole('button', { name: 'Hang up' }).click();
    await desk.getByText('On a simulated call').waitFor({ state: 'detached' });
    await patientsPhone.getByRole('status').getByText('Call ended').waitFor();
    const entry = await until('the call-back to be made', () =>
      db.prisma.callBack.findFirst({ where: { clinicId: clinic.id, ringState: 'done', doneBy: anna.userId } }),
    );
    expect(entry.attemptsMade).toBe(1);
  });

  it('Anna rings Tom back from the call-back list; his phone rings on the simulator; she hangs up from the call bar', async () => {
    const { db } = dashboard;
    const { clinic } = await makeDiary(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const TOM = '+447700900555';
    await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Tom Evans', phone: TOM } });
    const missed = await db.prisma.call.create({
      data: {
        callSid: 'CA' + 'e'.repeat(32),
        clinicId: clinic.id,
        fromNumber: TOM,
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: MONDAY_9AM,
        outcome: 'abandoned',
      },
    });
    await db.prisma.callBack.create({
      data: { clinicId: clinic.id, callId: missed.id, reason: 'abandoned', fromNumber: TOM },
    });

    const desk = await dashboard.signedInPage(anna);
    await desk.getByRole('link', { name: 'Calls' }).click();
    const entry = desk
      .getByRole('list', { name: 'Call-back list' })
      .getByRole('listitem')
      .filter({ hasText: 'Tom Evans' });
    await entry.getByRole('button', { name: `Ring ${TOM}, Tom Evans, from this browser` }).click();
    const bar = desk.getByRole('region', { name: 'Your call' });
    await bar.getByText('On a simulated call with Tom Evans').waitFor();

    const page = await dashboard.signedInPage(owner);
    await page.getByRole('link', { name: 'Phone simulator' }).click();
    const patientsPhone = page.getByRole('region', { name: "The patient's phone" });
    await patientsPhone.getByRole('status').getByText(`is calling ${TOM}`, { exact: false }).waitFor();
    await patientsPhone.getByRole('button', { name: 'Answer', exact: true }).click();
    await patientsPhone.getByRole('status').getByText('Talking to reception').waitFor();

    await bar.getByRole('button', { name: 'Hang up' }).click();
    await bar.waitFor({ state: 'detached' });
    await patientsPhone.getByRole('status').getByText('Call ended').waitFor();
    // The try is on the list, as whoever rang made it; Anna now has the entry.
    await entry
      .getByRole('list', { name: 'Tries to ring Tom Evans back' })
      .getByText(/They answered \(.*, from the browser\)/)
      .waitFor();
    await entry.getByText('You are on it.').waitFor();
  });
});
