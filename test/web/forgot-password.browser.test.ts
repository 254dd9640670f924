// "Forgot your password?" in Debian's Chromium, by keyboard from the sign-in page: the
// screen says when it is sending and what went wrong (naming the field), and what happens
// next; the emailed link (a real SMTP server on 127.0.0.1) sets a new password and signs
// in. axe-core checks the screen in each state (WCAG 2.2 AA).
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { type LiveDashboard, startLiveDashboard } from '../helpers/browser.js';
import { makeClinic, makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';
import { startSmtpServer, type TestSmtp } from '../helpers/smtp.js';
import { until } from '../helpers/until.js';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** What has the focus: its tag and text, enough to say where the keyboard is. */
const focused = (page: Page) =>
  page.evaluate('(() => { const el = document.activeElement; return el.tagName + " " + el.textContent.trim(); })()');

/** Presses Tab until `name` (a link or button's text) has the focus; fails if it is never reached. */
async function tabTo(page: Page, text: string, max = 20) {
  for (let presses = 0; !String(await focused(page)).endsWith(text); presses++) {
    if (presses === max) throw new Error(`"${text}" was not reached in ${max} presses of Tab`);
    await page.keyboard.press('Tab');
  }
}

async function expectNoAxeViolations(page: Page, state: string) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(result.violations.map((v) => `${state}: ${v.id} — ${v.help}`)).toEqual([]);
}

describeWith(needs.browser, 'Forgot password, from the sign-in page, in a real browser', () => {
  let smtp: TestSmtp;
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    dashboard = await startLiveDashboard(new Date('2027-06-07T08:00:00Z'), {
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Clinic line <noreply@clinic.test>' },
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await smtp?.stop();
  });

  it('asks for the email by keyboard, shows sending and errors, and the emailed link sets a new password', async () => {
    const clinic = await makeClinic(dashboard.db.prisma, { name: 'Hill Physio' });
    const sam = await makeStaff(dashboard.db.prisma, clinic.id, 'receptionist');
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${dashboard.base}/sign-in`);
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await tabTo(page, 'Forgot your password?');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/forgot-password');
    expect(
      await page
        .getByLabel('Email')
        .evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    await expectNoAxeViolations(page, 'the form');

    // A bad address: the server's answer names the field as the form labels it.
    await page.keyboard.type('sam at the clinic');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('Email: must be an email address').waitFor();
    await expectNoAxeViolations(page, 'the form with its error');

    // While the request is under way the button says so, and cannot be pressed twice.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/session/forgot-password', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByLabel('Email').fill(sam.email);
    await page.getByLabel('Email').press('Enter');
    const sending = page.getByRole('button', { name: 'Sending…' });
    await sending.waitFor();
    expect(await sending.isDisabled()).toBe(true);
    release();

    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    // The focus moves to what happened, the form being gone.
    await until('the focus on the answer', async () => String(await focused(page)).startsWith('P If '));
    expect(await focused(page)).toBe(
      `P If ${sam.email} has an account here, a link to choose a new password is on its way to it. The link works once, for 72 hours; your current password keeps working until you use it.`,
    );
    await expectNoAxeViolations(page, 'sent');

    // The email, sent by the service's job runner, and its link.
    const runner = new JobRunner(dashboard.db, jobHandlers(dashboard.testApp.ctx), {
      logger: dashboard.testApp.ctx.logger,
      clock: dashboard.clock,
    });
    expect(await runner.runDue()).toBe(1);
    const link = smtp.to(sam.email)[0]!.link(`${dashboard.testApp.ctx.config.publicBaseUrl}/set-password#token=`);
    await page.goto(`${dashboard.base}${new URL(link).pathname}${new URL(link).hash}`);
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await page.getByLabel('New password').fill('a sentence only Sam knows');
    await page.getByLabel('The same again').fill('a sentence only Sam knows');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('region', { name: 'Live' }).waitFor();

    await context.close();
    expect(errors).toEqual([]);
  });
});
