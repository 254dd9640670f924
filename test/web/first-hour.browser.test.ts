// A newcomer's first hour, as README promises it: `npm start` on a fresh machine (a
// real process, a fresh data folder, no Twilio account), then the phone simulator in
// one tab and the dashboard in another. A caller rings, waits, is answered on the
// Live screen and the call ends; then Jane books by phone and the receptionist's
// open diary shows it — everything live, nothing reloaded.
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, signedInPage } from '../helpers/browser.js';
import { startDemoServer, type DemoServer } from '../helpers/demo-server.js';
import { browserPath, describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

describeWith(needs.browser, "A newcomer's first hour: npm start on a fresh machine, then the phone simulator", () => {
  let demo: DemoServer;
  let browser: Browser;
  const errors: string[] = [];
  beforeAll(async () => {
    demo = await startDemoServer();
    browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    expect(errors).toEqual([]);
  });

  it('a caller is queued, answered on the Live screen and hung up on; then Jane books by phone and the open diary shows it', async () => {
    // The receptionist takes calls; with no Twilio, the browser phone is the simulator's.
    const desk = await signedInPage(browser, demo.url, demo.receptionist, errors);
    await desk.getByRole('button', { name: 'Start taking calls' }).click();
    await desk.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    await desk.getByText('Phone simulator: answering puts the simulated caller through to this screen.').waitFor();

    // The owner plays a patient in another tab. First, as README says, reception opens round the clock, so the
    // walkthrough works whatever the hour (CI runs at any).
    const phone = await signedInPage(browser, demo.url, demo.owner, errors);
    await phone.getByRole('link', { name: 'Settings' }).click();
    const hours = phone.getByRole('form', { name: 'Reception hours' });
    await hours.getByRole('button', { name: 'Every day, all day' }).click();
    await hours.getByRole('button', { name: 'Save reception hours' }).click();
    await hours.getByText('Saved.').waitFor();
    await phone.getByRole('link', { name: 'Phone simulator' }).click();
    await phone.getByLabel('Calling from').fill('+447700900100');
    await phone.getByRole('button', { name: 'Call the clinic' }).click();
    const heard = phone.getByRole('list', { name: 'What the caller hears' });
    const keypad = phone.getByRole('group', { name: 'Keypad' });
    await heard.getByText(/3 to speak to reception/).waitFor();
    await keypad.getByRole('button', { name: '3', exact: true }).click();
    await heard.getByText('You are next in the queue.').waitFor();
    await phone.getByRole('status').getByText('Waiting for reception').waitFor();

    // The desk sees Jane waiting, by name, and answers.
    const queue = desk.getByRole('list', { name: 'Queue' });
    await queue.getByText('Jane Doe').waitFor();
    await queue.getByRole('button', { name: 'Answer' }).click();
    await desk.getByText('On a simulated call').waitFor();
    expect(await desk.getByRole('list', { name: 'Calls in progress' }).textContent()).toContain(
      'Jane Doe Answered by Sam Reid', // the demo's receptionist, by name
    );
    await desk.getByText('Nobody is waiting.').waitFor();
    await phone.getByRole('status').getByText('Talking to reception').waitFor({ timeout: 10_000 });
    await desk.screenshot({ path: 'test-artifacts/first-hour-live.png', fullPage: true });

    // Reception hangs up: the caller hears goodbye, the desk is free again.
    await desk.getByRole('button', { name: 'Hang up' }).click();
    await phone.getByRole('status').getByText('Call ended').waitFor({ timeout: 10_000 });
    await heard.getByText('Thank you for calling. Goodbye.').waitFor();
    await desk.getByText('On a simulated call').waitFor({ state: 'detached' });
    await desk.getByRole('list', { name: 'Calls in progress' }).waitFor({ state: 'detached' });

    // Jane will be offered the clinic's next free time first: the diary opens on that day.
    const first = await firstPhoneSlot(demo);
    await desk.getByRole('link', { name: 'Diary' }).click();
    const thatDay = desk.waitForResponse((r) => r.url().includes(`/diary?date=${first.date}`) && r.ok());
    await desk.getByLabel('Date').fill(first.date);
    await thatDay;
    const calendar = desk.getByRole('region', { name: 'Calendar' });
    const rows = calendar.getByRole('button', { name: /Jane Doe/ });
    // Count only once that day is drawn: the response comes a moment before React draws it, and
    // until then the calendar still shows today, whose count of Jane's appointments may differ.
    await calendar
      .getByRole('group', { name: `, ${first.day}` })
      .first()
      .waitFor();
    const before = await rows.count();

    // Jane calls again and takes the first choice at every question, keying her date of birth when asked.
    const found = await demo.ownerApi.call('GET', `/api/clinics/${demo.clinicId}/patients?q=Jane%20Doe`);
    const [year, month, day] = (found.body.patients as Array<{ dateOfBirth: string }>)[0]!.dateOfBirth.split('-');
    await phone.getByRole('button', { name: 'Call the clinic' }).click();
    await phone.getByRole('status').getByText('The line is waiting for you').waitFor();
    await heard.getByText(/How can I help\?/).waitFor();
    for (let step = 0; step < 8 && !(await heard.getByText(/You're booked/).count()); step++) {
      const lines = await heard.locator('li').count();
      const asksBirthDate = (await heard.locator('li').last().textContent())?.includes('date of birth');
      for (const key of asksBirthDate ? `${day}${month}${year}` : '1')
        await keypad.getByRole('button', { name: key, exact: true }).click();
      await until(
        'the line to answer the key',
        async () => (await heard.locator('li').count()) > lines || undefined,
        10_000,
      );
    }
    await heard.getByText(/You're booked for .* with (Dr Patel|Dr Khan|Nurse Okafor) /).waitFor();
    await phone.getByRole('button', { name: 'Stay silent' }).click();
    await phone.getByRole('status').getByText('Call ended').waitFor();

    // The receptionist's diary, open all along, has her new appointment at that time.
    await until('the booking to appear in the diary', async () => (await rows.count()) > before || undefined, 10_000);
    expect(await rows.count()).toBe(before + 1);
    expect(await rows.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(first.time)]));
    await desk.screenshot({ path: 'test-artifacts/first-hour-diary.png', fullPage: true });

    // Her record has it too: what, with whom, booked.
    await desk.getByRole('link', { name: 'Patients' }).click();
    await desk.getByLabel('Name, number or date of birth').fill('Jane Doe');
    await desk.getByRole('button', { name: 'Search' }).click();
    await desk.getByRole('list', { name: 'Search results' }).getByRole('button', { name: 'Jane Doe' }).click();
    await desk
      .getByRole('region', { name: 'Jane Doe' })
      .getByText(new RegExp(`${first.time} — .+ with (Anita Patel|Omar Khan|Grace Okafor) — booked`))
      .waitFor();
  }, 120_000);
});

/** The first time the phone line offers for the first bookable type (the menu's "press 1"), as the clinic's date, day and clock. */
async function firstPhoneSlot(demo: DemoServer): Promise<{ date: string; day: string; time: string }> {
  const base = `/api/clinics/${demo.clinicId}`;
  const api = demo.ownerApi;
  const types = (await api.call('GET', `${base}/appointment-types`)).body.appointmentTypes as Array<{
    id: string;
    active: boolean;
    phoneBookable: boolean;
  }>;
  const type = types.find((t) => t.active && t.phoneBookable)!;
  const { minNoticeMinutes } = (await api.call('GET', `${base}/booking-rules`)).body as { minNoticeMinutes: number };
  const after = new Date(Date.now() + minNoticeMinutes * 60_000).toISOString();
  const slots = (await api.call('GET', `${base}/slots?${new URLSearchParams({ typeId: type.id, limit: '1', after })}`))
    .body.slots as Array<{ startsAt: string }>;
  const { timeZone } = (await api.call('GET', base)).body as { timeZone: string };
  const at = new Date(slots[0]!.startsAt);
  return {
    date: at.toLocaleDateString('en-CA', { timeZone }), // YYYY-MM-DD
    day: at.toLocaleDateString('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }), // as the calendar's columns name it
    time: at.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }),
  };
}
