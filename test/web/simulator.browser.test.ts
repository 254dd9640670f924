// The phone simulator in a real browser: a patient's call placed from the page goes
// through the real signed webhooks, and the receptionist's open diary shows the
// booking as it is made.
import { silentMp3 } from '../../src/recordings/silence.js';
import { EventBus } from '../../src/core/events.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, openReceptionWeekdays } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

// Monday 7 June 2027, 09:00 in London: reception is open, 11:00 is the first bookable time.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, 'The phone simulator in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    const events = new EventBus();
    const simulator = new Simulator({ accountSid: 'AC' + 'e'.repeat(32), authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
    });
    dashboard = await startLiveDashboard(MONDAY_9AM, { simulator, events });
    simulator.listening(dashboard.base);
  });
  afterAll(() => dashboard.close());

  it('Jane books by phone from the simulator page, and the diary open in another tab shows it', async () => {
    const { db } = dashboard;
    const { clinic } = await makeDiary(db.prisma);
    await openReceptionWeekdays(db.prisma, clinic.id);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');

    const desk = await dashboard.signedInPage(anna);
    await desk.getByRole('link', { name: 'Diary' }).click();
    await desk.getByLabel('Date').fill('2027-06-07');
    await desk.getByText('No appointments this day.').waitFor();

    const phone = await dashboard.signedInPage(anna);
    await phone.getByRole('link', { name: 'Phone simulator' }).click();
    await phone.getByLabel('Calling from').fill('+447700900123');
    await phone.getByRole('button', { name: 'Call the clinic' }).click();
    const heard = phone.getByRole('list', { name: 'What the caller hears' });
    await heard.getByText(/How can I help\?/).waitFor();
    const keypad = phone.getByRole('group', { name: 'Keypad' });
    // Book, the first time, someone registered, her date of birth key by key, confirm.
    const steps: Array<[string, RegExp]> = [
      ['1', /Dr Patel has today at 11/],
      ['1', /someone already registered/],
      ['1', /key it as eight digits/],
      ['23041980', /To book a check-up with Dr Patel today at 11 for Jane Doe/],
      ['1', /You're booked for a check-up with Dr Patel today/],
    ];
    for (const [keys, expected] of steps) {
      for (const key of keys) await keypad.getByRole('button', { name: key, exact: true }).click();
      await heard.getByText(expected).waitFor();
    }
    // "Anything else?": she has finished, and says nothing.
    await phone.getByRole('button', { name: 'Stay silent' }).click();
    await phone.getByRole('status').getByText('Call ended').waitFor();
    await phone.screenshot({ path: 'test-artifacts/simulator.png', fullPage: true });

    // The receptionist's diary, open all along, shows the booking without a reload.
    const block = desk
      .getByRole('region', { name: 'Calendar' })
      .getByRole('button', { name: '11:00 to 11:30, Jane Doe, Check-up, Anita Patel', exact: true });
    await block.waitFor({ timeout: 5_000 });
    await desk.screenshot({ path: 'test-artifacts/simulator-diary.png', fullPage: true });
  });

  it('the silent audio of simulated messages and the demo voicemails is MP3 Chromium plays, as long as it says', async () => {
    const page = await dashboard.browser.newPage();
    try {
      // Written as a string: the test compiles without the DOM's types.
      const duration = await page.evaluate<number>(`new Promise((resolve, reject) => {
        const audio = new Audio('data:audio/mpeg;base64,${silentMp3(6).toString('base64')}');
        audio.onloadedmetadata = () => resolve(audio.duration);
        audio.onerror = () => reject(new Error('audio error ' + (audio.error && audio.error.code)));
      })`);
      expect(duration).toBeCloseTo(6, 0);
    } finally {
      await page.close();
    }
  });
});
