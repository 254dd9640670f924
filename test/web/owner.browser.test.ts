import type { Page } from 'playwright-core';
import { seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { speakDateTime } from '../../src/voice/speech.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { Caller } from '../helpers/caller.js';
import { makeDiary, openReceptionWeekdays } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';
import { seedCallsOfMonday7June } from '../helpers/statistics.js';

// Monday 7 June 2027, 09:00 in London.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, "The owner's screens in a real browser", () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(MONDAY_9AM);
  });
  afterAll(() => dashboard.close());

  /** A London clinic, reception open Mon–Fri 08:00–18:00, with an owner and a receptionist. */
  async function clinicWithStaff() {
    const { db } = dashboard;
    const diary = await makeDiary(db.prisma);
    await openReceptionWeekdays(db.prisma, diary.clinic.id);
    return {
      ...diary,
      owner: await makeStaff(db.prisma, diary.clinic.id, 'owner'),
      desk: await makeStaff(db.prisma, diary.clinic.id, 'receptionist'),
    };
  }
  const tabs = (page: Page) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents();
  const open = async (page: Page, tab: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: tab }).click();
    await page.getByRole('region', { name: tab, exact: true }).waitFor();
  };

  it('a receptionist sees no owner screens, not even at their addresses', async () => {
    const { desk, owner } = await clinicWithStaff();
    const page = await dashboard.signedInPage(desk);
    expect(await tabs(page)).toEqual(['Live', 'Diary', 'Patients', 'Waiting list', 'Calls']);
    for (const path of ['/settings', '/staff', '/statistics', '/audit']) {
      await page.goto(dashboard.base + path);
      await page.getByRole('region', { name: 'Live' }).waitFor();
      expect(await page.getByRole('region', { name: /Settings|Staff|Statistics|Audit/ }).count()).toBe(0);
    }
    const ownerPage = await dashboard.signedInPage(owner);
    expect(await tabs(ownerPage)).toEqual([
      'Live',
      'Diary',
      'Patients',
      'Waiting list',
      'Calls',
      'Statistics',
      'Settings',
      'Staff',
      'Audit',
    ]);
  });

  it("the owner moves Monday's opening to 10:00 and sets an emergency message: the next call hears both", async () => {
    const { clinic, owner } = await clinicWithStaff();
    const app = dashboard.testApp.app;
    const before = new Caller(app, clinic.numbers[0]!, '+447700900301');
    await before.dial();
    await before.press('3');
    expect(before.heard()).not.toMatch(/closed/);

    const page = await dashboard.signedInPage(owner);
    await open(page, 'Settings');
    const hours = page.getByRole('form', { name: 'Reception hours' });
    await hours.getByLabel('Monday opens').fill('10:00');
    await hours.getByRole('button', { name: 'Save reception hours' }).click();
    await hours.getByRole('status').getByText('Saved.').waitFor();
    const line = page.getByRole('form', { name: 'Phone line' });
    await line.getByLabel('Emergency message').fill('For emergencies call 999.');
    await line.getByRole('button', { name: 'Save phone line' }).click();
    await line.getByText('Saved. The next call uses it.').waitFor();
    await page.screenshot({ path: 'test-artifacts/settings.png', fullPage: true });

    const after = new Caller(app, clinic.numbers[0]!, '+447700900302');
    await after.dial();
    expect(after.heard()).toMatch(/^For emergencies call 999\./);
    await after.press('3');
    const opening = speakDateTime(new Date('2027-06-07T09:00:00Z'), {
      timeZone: clinic.timeZone,
      locale: clinic.locale,
      now: MONDAY_9AM,
    });
    expect(after.heard()).toContain(`Reception is closed at the moment. We open again ${opening}.`);
    const audit = await dashboard.db.prisma.auditEntry.findMany({
      where: { clinicId: clinic.id, actorId: owner.userId },
      orderBy: { at: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['clinic.opening_hours_changed', 'clinic.settings_changed']);
  });

  it('the owner moves the clinic to another time zone only after confirming what it changes, and every screen shows the new zone', async () => {
    const { clinic, owner } = await clinicWithStaff();
    const page = await dashboard.signedInPage(owner);
    await open(page, 'Settings');
    const where = page.getByRole('form', { name: 'Time zone and language' });
    expect(await where.getByLabel('Time zone').inputValue()).toBe('Europe/London');
    await where.getByLabel('Time zone').selectOption('America/New_York');
    await where.getByRole('button', { name: 'Save time zone and language' }).click();
    // Nothing saved yet: what moves and what stays is spelled out first.
    await where
      .getByRole('alert')
      .getByText(/appointments and closures keep their moment in time/)
      .waitFor();
    expect((await dashboard.db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).timeZone).toBe(
      'Europe/London',
    );
    await where.getByRole('button', { name: 'Yes, move the clinic to America/New_York' }).click();
    await page
      .getByRole('region', { name: 'Clinic' })
      .getByText(/America\/New_York/)
      .waitFor();
    expect(await dashboard.db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).toMatchObject({
      timeZone: 'America/New_York',
      locale: 'en-GB',
    });
    expect(await page.getByRole('form', { name: 'Time zone and language' }).getByLabel('Time zone').inputValue()).toBe(
      'America/New_York',
    );
  });

  it("the statistics page draws the period's figures and charts from the seeded calls", async () => {
    const { clinic, owner } = await clinicWithStaff();
    await seedCallsOfMonday7June(dashboard.db.prisma, clinic);
    const page = await dashboard.signedInPage(owner);
    await open(page, 'Statistics');
    const stats = page.getByRole('region', { name: 'Statistics' });
    await stats.getByRole('textbox', { name: /^To/ }).fill('2027-06-08');
    await stats.getByRole('textbox', { name: /^From/ }).fill('2027-06-07');
    const totals = stats.locator('dl.figures dd:not(.note)');
    await stats.getByText('Rates are of the 5 calls').waitFor();
    // The dashboard's clock says Monday 09:00: Tuesday has not come yet, so nothing is counted for it
    // (the seeded Tuesday call, and the call-back done on Tuesday, are days ahead of this clock).
    expect(await totals.allTextContents()).toEqual([
      '8',
      '40 %',
      '20 %',
      '27 s',
      '1 min 10 s',
      '2',
      '0', // emergency advice given
      '1 of 2',
      '2 min 14 s',
    ]);
    const perDay = stats.getByRole('table', { name: 'Calls per day' });
    expect(await perDay.getByRole('row').allTextContents()).toEqual([
      'DayCalls',
      'Mon, 7 Jun 20278',
      'Tue, 8 Jun 20270',
    ]);
    expect(await stats.getByRole('img', { name: 'Calls per day' }).locator('rect title').allTextContents()).toEqual([
      'Mon, 7 Jun 2027: Calls 8',
    ]); // a day of nothing draws no bar
    const outcomes = stats.getByRole('table', { name: 'Outcomes per day' });
    expect(await outcomes.getByRole('row').nth(1).getByRole('cell').allTextContents()).toEqual(['3', '2', '1', '1']);
    expect(
      await stats
        .getByRole('table', { name: 'Answered within 20 seconds' })
        .getByRole('row')
        .nth(1)
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['40 %']);
    expect(
      await stats.getByRole('table', { name: 'Calls by hour of day' }).getByRole('row').nth(9).allTextContents(),
    ).toEqual(['08h2']);
    await page.screenshot({ path: 'test-artifacts/statistics.png', fullPage: true });
  });

  it("an owner plays a call's recording from its timeline (audited) and puts it on legal hold", async () => {
    const { clinic, owner } = await clinicWithStaff();
    const { db, testApp } = dashboard;
    const call = await db.prisma.call.create({
      data: {
        callSid: 'CA' + '4'.repeat(32),
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date('2027-06-07T07:30:00Z'),
        durationSeconds: 95,
        outcome: 'reception',
      },
    });
    const recording = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        kind: 'call',
        recordingSid: 'RE' + '4'.repeat(32),
        status: 'stored',
        durationSeconds: 95,
      },
    });
    const audio = Buffer.from('ID3 the whole conversation '.repeat(50));
    await testApp.ctx.recordings.put(
      recording.id,
      seal(await clinicDataKey(db.prisma, testApp.ctx.config.recordingsKey, clinic.id), audio, recording.id),
    );

    const page = await dashboard.signedInPage(owner);
    await open(page, 'Calls');
    await page.getByRole('table', { name: 'Call log' }).getByRole('button').first().click();
    const player = page.getByRole('region', { name: 'Call timeline' }).getByRole('group', { name: 'Call recording' });
    const src = await player.locator('audio').getAttribute('src');
    expect(src).toBe(`/api/clinics/${clinic.id}/recordings/${recording.id}/audio`);
    // What the player would fetch, with the page's own session.
    expect(await page.evaluate(async (url) => (await (await fetch(url)).arrayBuffer()).byteLength, src!)).toBe(
      audio.length,
    );
    expect(
      await db.prisma.auditEntry.count({
        where: { clinicId: clinic.id, action: 'recording.listened', actorId: owner.userId },
      }),
    ).toBe(1);

    page.once('dialog', (d) => void d.accept('Complaint 2027-14'));
    await player.getByRole('button', { name: 'Put on legal hold' }).click();
    await player.getByText('On legal hold: Complaint 2027-14').waitFor();
    expect(await db.prisma.recording.findUniqueOrThrow({ where: { id: recording.id } })).toMatchObject({
      legalHold: true,
      heldBy: owner.userId,
    });
    await page.screenshot({ path: 'test-artifacts/call-timeline.png', fullPage: true });
  });

  it('an owner erases a patient after typing their name, and the audit log shows it', async () => {
    const { clinic, owner, patient } = await clinicWithStaff();
    const page = await dashboard.signedInPage(owner);
    await open(page, 'Patients');
    await page.getByLabel('Name, number or date of birth').fill('Jane');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('list', { name: 'Search results' }).getByRole('button', { name: 'Jane Doe' }).click();
    const rights = page.getByRole('region', { name: 'Data protection' });
    expect(await rights.getByRole('link', { name: 'Export (JSON)' }).getAttribute('href')).toBe(
      `/api/clinics/${clinic.id}/patients/${patient.id}/export`,
    );
    await rights.getByRole('button', { name: 'Erase this patient…' }).click();
    const form = page.getByRole('form', { name: 'Erase this patient' });
    await form.getByLabel("Type the patient's name to confirm").fill('Jane');
    await form.getByRole('button', { name: 'Erase for good' }).click();
    await form.getByRole('alert').getByText('type the patient').waitFor();
    expect(await dashboard.db.prisma.patient.count({ where: { id: patient.id } })).toBe(1);
    await form.getByLabel("Type the patient's name to confirm").fill('Jane Doe');
    await form.getByRole('button', { name: 'Erase for good' }).click();
    await rights.waitFor({ state: 'detached' });
    expect(await dashboard.db.prisma.patient.count({ where: { id: patient.id } })).toBe(0);

    await open(page, 'Audit');
    await page.getByRole('table', { name: 'Audit log' }).getByText('erased a patient').first().waitFor();
    await page.screenshot({ path: 'test-artifacts/audit.png', fullPage: true });
  });

  it('removing a receptionist signs them out of their open dashboard at once', async () => {
    const { owner, desk } = await clinicWithStaff();
    const deskPage = await dashboard.signedInPage(desk);
    const page = await dashboard.signedInPage(owner);
    await open(page, 'Staff');
    const row = page.getByRole('row').filter({ hasText: desk.email });
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Remove' }).click();
    await deskPage.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    expect(new URL(deskPage.url()).pathname).toBe('/sign-in');
    await page.getByRole('table', { name: 'Staff list' }).getByText(desk.email).waitFor({ state: 'detached' });

    // An invitation gives a one-time link to pass on; it waits in the list until accepted.
    await page.getByRole('form', { name: 'Invite someone' }).getByLabel('Email').fill('new.starter@clinic.test');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = await page.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/\/invitation#token=/);
    await page.getByRole('table', { name: 'Invitations waiting' }).getByText('new.starter@clinic.test').waitFor();
    await page.screenshot({ path: 'test-artifacts/staff.png', fullPage: true });

    // The new starter opens it, chooses a password, and lands in the clinic as a receptionist.
    const newcomer = await dashboard.browser.newPage();
    await newcomer.goto(dashboard.base + new URL(link).pathname + new URL(link).hash);
    await newcomer.getByRole('heading', { name: /^Join / }).waitFor();
    expect(await newcomer.getByRole('main').textContent()).toContain('new.starter@clinic.test is invited to join');
    const form = newcomer.getByRole('form', { name: 'Create your account' });
    await form.getByLabel('New password').fill('a long enough password');
    await form.getByLabel('The same again').fill('a long enough password');
    await form.getByRole('button', { name: 'Create my account and join' }).click();
    await newcomer.getByRole('region', { name: 'Live' }).waitFor();
    expect(await tabs(newcomer)).toEqual(['Live', 'Diary', 'Patients', 'Waiting list', 'Calls']);
    await newcomer.close();
    await page.reload();
    await page.getByRole('table', { name: 'Staff list' }).getByText('new.starter@clinic.test').waitFor();
    await page.getByText('No invitations waiting.').waitFor();
  });

  it('removing someone who also works at another clinic closes this clinic on their screen and leaves them at work in the other', async () => {
    const here = await clinicWithStaff();
    const there = await clinicWithStaff();
    await dashboard.db.prisma.membership.create({
      data: { userId: here.desk.userId, clinicId: there.clinic.id, role: 'receptionist' },
    });
    const deskPage = await dashboard.signedInPage(here.desk);
    await deskPage.getByRole('combobox', { name: 'Clinic' }).selectOption(here.clinic.id);
    await deskPage.getByRole('region', { name: 'Clinic' }).getByRole('heading', { name: here.clinic.name }).waitFor();
    const page = await dashboard.signedInPage(here.owner);
    await open(page, 'Staff');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('row').filter({ hasText: here.desk.email }).getByRole('button', { name: 'Remove' }).click();
    // Their screen moves to the clinic they still belong to; they stay signed in.
    await deskPage
      .getByRole('region', { name: 'Clinic' })
      .getByRole('heading', { name: there.clinic.name })
      .waitFor({ timeout: 5_000 });
    // One clinic left: the chooser goes (with the list of clinics, a moment after the heading).
    await deskPage.getByRole('combobox', { name: 'Clinic' }).waitFor({ state: 'detached', timeout: 5_000 });
    expect(new URL(deskPage.url()).pathname).not.toBe('/sign-in');
  });

  it('someone who works at another clinic accepts an invitation by signing in as themselves', async () => {
    const { owner } = await clinicWithStaff();
    const elsewhere = await clinicWithStaff();
    const page = await dashboard.signedInPage(owner);
    await open(page, 'Staff');
    await page.getByRole('form', { name: 'Invite someone' }).getByLabel('Email').fill(elsewhere.desk.email);
    await page.getByRole('form', { name: 'Invite someone' }).getByLabel('Role').selectOption('owner');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = new URL(await page.getByLabel('Invitation link').inputValue());

    const invitee = await dashboard.browser.newPage();
    await invitee.goto(dashboard.base + link.pathname + link.hash);
    // Trying to make a new account for an email that has one says what to do instead.
    const create = invitee.getByRole('form', { name: 'Create your account' });
    await create.getByLabel('New password').fill('someone else entirely');
    await create.getByLabel('The same again').fill('someone else entirely');
    await create.getByRole('button', { name: 'Create my account and join' }).click();
    await create
      .getByRole('alert')
      .getByText(/There is already an account/)
      .waitFor();
    const existing = invitee.getByRole('form', { name: 'Sign in to accept' });
    await existing.getByLabel('Your password').fill(elsewhere.desk.password);
    await existing.getByRole('button', { name: 'Sign in and join' }).click();
    await invitee.getByRole('region', { name: 'Live' }).waitFor();
    await invitee.close();
    expect(await dashboard.db.prisma.membership.count({ where: { userId: elsewhere.desk.userId } })).toBe(2);
  });
});
