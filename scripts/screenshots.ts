// npm run screenshots: README's pictures of the main screens, taken the way a newcomer
// first sees them — `npm start` on a fresh data folder (the demo clinic, the phone
// simulator), Chromium from Debian's package — and written to docs/screenshots/.
//   npm run screenshots                 all of them, into docs/screenshots/
//   SCREENSHOTS_DIR=/tmp/x npm run screenshots   somewhere else (.ci/run does this)
// The browser is $TEST_BROWSER, else /usr/bin/chromium.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { openReceptionAllWeek, startDemoServer, type DemoServer } from '../test/helpers/demo-server.js';
import { CHROMIUM_ARGS, openADiaryAppointment, signedInPage } from '../test/helpers/pages.js';
import { until } from '../test/helpers/until.js';

interface Screen {
  file: string;
  /** What README says the picture shows. */
  shows: string;
  take(page: Page, demo: DemoServer): Promise<void>;
}

const tab = async (page: Page, name: string) => {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState('networkidle');
  await until(
    `the ${name} screen to finish loading`,
    async () =>
      (await page
        .getByRole('status')
        .filter({ hasText: /^(Loading|Searching)/ })
        .count()) === 0 || undefined,
    15_000,
  );
};

/** The simulator's API, as its page uses it: a call from `from` that presses `keys` in turn. */
async function simulatedCall(demo: DemoServer, from: string, keys: string[]): Promise<void> {
  const base = `/api/clinics/${demo.clinicId}/simulator/calls`;
  const call = await demo.ownerApi.call('POST', base, { from });
  for (const digits of keys) await demo.ownerApi.call('POST', `${base}/${call.body.sid as string}/press`, { digits });
}

export const SCREENS: Screen[] = [
  {
    file: 'live.png',
    shows: 'Live: a call ringing with who it probably is, callers waiting by name with their wait, the Answer button',
    async take(page, demo) {
      await page.getByRole('button', { name: 'Start taking calls' }).click();
      await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();
      await simulatedCall(demo, '+447700900100', ['3']);
      await simulatedCall(demo, '+447700900998', ['3']);
      await simulatedCall(demo, '+447700900102', []);
      await page.getByRole('list', { name: 'Queue' }).getByRole('listitem').nth(1).waitFor();
      await page.getByRole('list', { name: 'Calls in the phone menu' }).waitFor();
    },
  },
  {
    file: 'caller-card.png',
    shows: "Live: the caller's card on answering — who it may be, the identity reminder, appointments, calls, a note",
    async take(page) {
      await page
        .getByRole('list', { name: 'Queue' })
        .getByRole('listitem')
        .first()
        .getByRole('button', { name: /^Answer/ })
        .click();
      const card = page.getByRole('region', { name: "Caller's card" });
      await card
        .getByText(/confirm/i)
        .first()
        .waitFor();
      await until(
        'the card to finish loading',
        async () =>
          (await card
            .getByRole('status')
            .filter({ hasText: /^Loading/ })
            .count()) === 0 || undefined,
        15_000,
      );
    },
  },
  {
    file: 'waiting-list.png',
    shows: 'Waiting list: who waits for what, the free times that fit each, book or text the offer',
    async take(page) {
      // Off the call the card was taken on.
      await page.getByRole('button', { name: 'Hang up' }).click();
      await page.getByRole('button', { name: 'Hang up' }).waitFor({ state: 'detached' });
      await tab(page, 'Waiting list');
      const first = page.getByRole('list', { name: 'Waiting' }).getByRole('listitem').first();
      await first.getByRole('button', { name: 'Free times' }).click();
      const times = first.getByRole('region', { name: /^Free times for / });
      await times.getByRole('button').first().waitFor();
    },
  },
  {
    file: 'simulator.png',
    shows: 'Phone simulator: a patient booking by keypad, with what the line says',
    async take(page) {
      await tab(page, 'Phone simulator');
      await page.getByLabel('Calling from').fill('+447700900101');
      await page.getByRole('button', { name: 'Call the clinic' }).click();
      const heard = page.getByRole('list', { name: 'What the caller hears' });
      await heard.getByText(/How can I help\?/).waitFor();
      await page.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: '1', exact: true }).click();
      await heard.getByText(/What is the appointment for|To take one/).waitFor();
    },
  },
  {
    file: 'diary.png',
    shows: 'Diary: the day as a calendar, a column per practitioner, with an appointment open',
    async take(page) {
      await tab(page, 'Diary');
      await openADiaryAppointment(page, { least: 3 });
    },
  },
  {
    file: 'patients.png',
    shows: "Patients: search, a patient's details and appointments",
    async take(page) {
      await tab(page, 'Patients');
      await page.getByLabel('Name, number or date of birth').fill('Jane Doe');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
      await page.getByRole('region', { name: 'Jane Doe' }).waitFor();
    },
  },
  {
    file: 'calls.png',
    shows: 'Calls: the call-back list (voicemails, missed calls) and the call log with filters',
    async take(page) {
      await tab(page, 'Calls');
      await page.getByRole('table', { name: 'Call log' }).waitFor();
    },
  },
  {
    file: 'statistics.png',
    shows: 'Statistics (owners): answered, missed and booked calls by day and hour',
    async take(page) {
      await tab(page, 'Statistics');
      await page.getByRole('definition').first().waitFor();
    },
  },
  {
    file: 'settings.png',
    shows: 'Settings (owners): reception hours, practitioners, appointment types, booking rules, the phone line',
    async take(page) {
      await tab(page, 'Settings');
      await page.getByRole('region', { name: 'Reception hours' }).waitFor();
    },
  },
];

export async function takeScreenshots(outDir: string, log: (line: string) => void = console.log): Promise<string[]> {
  const executablePath = process.env.TEST_BROWSER ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`No browser at ${executablePath}: install Debian's chromium package or set TEST_BROWSER.`);
  await mkdir(outDir, { recursive: true });
  const demo = await startDemoServer();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const written: string[] = [];
  try {
    // Reception open at any hour, so the Live screen has a queue whenever this runs.
    await openReceptionAllWeek(demo);
    // The owner has read and approved the emergency advice, the demo's one open set-up
    // step: the pictures show the screens, not the set-up checklist above them.
    const approved = await demo.ownerApi.call('PATCH', `/api/clinics/${demo.clinicId}`, {
      emergencyAdviceApproved: true,
    });
    if (approved.status !== 200) throw new Error(`approving the emergency advice answered ${approved.status}`);
    const errors: string[] = [];
    const page = await signedInPage(browser, demo.url, demo.owner, errors);
    for (const screen of SCREENS) {
      await screen.take(page, demo);
      const file = path.join(outDir, screen.file);
      await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      written.push(file);
      log(`  ${screen.file}  ${screen.shows}`);
    }
    if (errors.length > 0) throw new Error(`the dashboard reported errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    await demo.stop();
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = process.env.SCREENSHOTS_DIR ?? path.join(root, 'docs/screenshots');
  console.log(`Screenshots of a fresh demo server, into ${outDir}:`);
  takeScreenshots(outDir).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
