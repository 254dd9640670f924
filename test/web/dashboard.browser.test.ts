import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addStaff, createPasswordLink } from '../../src/accounts/staff.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';
import { makeClinic, makeStaff } from '../helpers/fixtures.js';
import { browserPath, describeWith, needs } from '../helpers/services.js';

describeWith(needs.browser, 'The dashboard in a real browser', () => {
  let db: TestDatabase;
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await openTestDatabase('embedded');
    server = http.createServer(makeTestApp(db).app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: browserPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(() => page.close());
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    await db.drop();
  });

  it('a receptionist is sent to sign in, is told a wrong password plainly, signs in to their clinic, and signs out', async () => {
    const clinic = await makeClinic(db.prisma, { name: 'Riverside Dental' });
    const login = await makeStaff(db.prisma, clinic.id, 'receptionist');
    await page.goto(base + '/');
    await page.waitForURL(base + '/sign-in');
    await page.getByLabel('Email').fill(login.email);
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'Email or password is incorrect.');

    await page.getByLabel('Password').fill(login.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Riverside Dental');
    await expectText(page.getByRole('region', { name: 'Clinic' }), 'You are a receptionist here');
    expect(page.url()).toBe(base + '/');

    await page.reload(); // the session outlives the page
    await expectText(page.getByRole('heading', { level: 1 }), 'Riverside Dental');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(page.url()).toBe(base + '/sign-in');
  });

  it('new staff set their password from the one-time link and land in their clinic; the link then shows as used', async () => {
    const clinic = await makeClinic(db.prisma, { name: 'Harbour Physio' });
    const { userId } = await addStaff(
      db.prisma,
      { clinicId: clinic.id, email: 'new.starter@harbour.test', role: 'owner' },
      { type: 'operator' },
    );
    const link = await createPasswordLink(db.prisma, userId, base, new Date());
    await page.goto(link);
    await expectText(page.locator('main'), 'For new.starter@harbour.test');
    await page.getByLabel('New password').fill('a sentence long enough');
    await page.getByLabel('The same again').fill('a sentence long enough');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Harbour Physio');
    await expectText(page.getByRole('region', { name: 'Clinic' }), 'You are an owner here');

    const again = await browser.newPage();
    await again.goto(link);
    await expectText(again.getByRole('alert'), 'expired or was already used');
    await again.close();
  });

  it('the page keeps to its Content Security Policy (no violations reported)', async () => {
    const violations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    await page.goto(base + '/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(violations).toEqual([]);
  });
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
}
