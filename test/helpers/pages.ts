// Chromium as the tests and the screenshot script drive it (Debian's package, never a
// download), and a page signed in as a member of staff. No test framework here:
// scripts/screenshots.ts uses it too.
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A new page of `browser` signed in at `base` as this person, on the Live screen; Content Security Policy breaches and uncaught errors go to `errors`. */
export async function signedInPage(
  browser: Browser,
  base: string,
  login: { email: string; password: string },
  errors: string[],
  /** The browser's clock, fixed from before the first page loads (a jump later makes Socket.IO reconnect once). */
  now?: Date,
  viewport = { width: 1280, height: 800 },
): Promise<Page> {
  // A context of its own (axe-core's Playwright runner needs one made by newContext), closed with the page.
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => undefined));
  if (now) await page.clock.setFixedTime(now);
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(base + '/sign-in');
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('region', { name: 'Live' }).waitFor();
  return page;
}

// An appointment's name ends with its status unless it is still booked ("09:00 to 09:30,
// Jane Doe, Check-up, Omar Khan"); the demo marks the day's earlier ones attended, not
// attended or cancelled, so which the day shows first depends on the time of day.
const STILL_BOOKED = /^\d\d:\d\d to (?!.*, (Attended|Did not attend|Cancelled)$)/;

/**
 * On the Diary: moves a day at a time (up to a week) to a day with at least `least`
 * appointments (`booked`: still booked ones), and opens the first.
 */
export async function openADiaryAppointment(page: Page, { least = 1, booked = false } = {}): Promise<void> {
  const calendar = page.getByRole('region', { name: 'Calendar' });
  await calendar.waitFor();
  const appointments = calendar.getByRole('button', { name: booked ? STILL_BOOKED : /^\d\d:\d\d to / });
  // The demo books the coming days: a weekday has some.
  for (let day = 0; day < 7 && (await appointments.count()) < least; day++)
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/diary?') && r.ok()),
      page.getByRole('button', { name: 'Next day' }).click(),
    ]);
  await appointments.first().click();
}
