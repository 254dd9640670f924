// The owner reads the audit log in a real browser: who did what to whom, in words,
// a run of sign-ins as one row, and filters by person, kind and day.
import type { Page } from 'playwright-core';
import { cancelAppointment } from '../../src/diary/booking.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

// Monday 7 June 2027, 09:00 in London.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, 'The audit log in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(MONDAY_9AM);
  });
  afterAll(() => dashboard.close());

  const rows = (page: Page) =>
    page
      .getByRole('table', { name: 'Audit log' })
      .getByRole('row')
      .evaluateAll((trs) =>
        trs.slice(1).map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent ?? '')),
      );

  it('shows who cancelled whose appointment, one row for twelve sign-ins, and filters by person, kind and day', async () => {
    const { db } = dashboard;
    const { clinic, khan, checkUp, patient } = await makeDiary(db.prisma);
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    await db.prisma.user.update({ where: { id: desk.userId }, data: { name: 'Sam Lee' } });
    await db.prisma.user.update({ where: { id: owner.userId }, data: { name: 'Olivia Owen' } });
    const appointment = await placeAppointment(
      db.prisma,
      { clinicId: clinic.id, practitionerId: khan.id, patientId: patient.id, typeId: checkUp.id },
      '2027-06-08T09:00:00Z',
    );
    await cancelAppointment(dashboard.testApp.ctx, {
      clinicId: clinic.id,
      appointmentId: appointment.id,
      actor: { type: 'user', userId: desk.userId },
    });
    await db.prisma.auditEntry.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({
        clinicId: null,
        actorType: 'user',
        actorId: desk.userId,
        action: 'session.signed_in',
        at: new Date(`2027-06-01T${String(7 + i).padStart(2, '0')}:00:00Z`),
      })),
    });

    const page = await dashboard.signedInPage(owner);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Audit' }).click();
    const audit = page.getByRole('region', { name: 'Audit', exact: true });
    const table = audit.getByRole('table', { name: 'Audit log' });
    await table.getByText('cancelled an appointment').waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['When', 'Who', 'What', 'About']);
    const all = await rows(page);
    expect(all).toContainEqual([
      'Sam Lee',
      'cancelled an appointment',
      "Jane Doe's Check-up on Tue, 8 Jun 2027, 10:00 with Omar Khan",
    ]);
    expect(all).toContainEqual(['Sam Lee', 'signed in 12 times', '']);
    expect(all).toContainEqual(['Olivia Owen', 'signed in', '']);
    expect(all.map((r) => r.join(' ')).join('\n')).not.toMatch(/session\.|appointment\.|· held/);
    await page.screenshot({ path: 'test-artifacts/audit-words.png', fullPage: true });

    // By person: Sam's doings only.
    await audit.getByLabel('Person').selectOption({ label: `Sam Lee (${desk.email})` });
    await table.getByText('signed in 12 times').waitFor();
    await until("only Sam's rows", async () => {
      const shown = await rows(page);
      return shown.length > 0 && shown.every((r) => r[0] === 'Sam Lee');
    });
    expect((await rows(page)).map((r) => r[0])).toEqual(['Sam Lee', 'Sam Lee']);
    // By kind and day: the twelve sign-ins of Tuesday 1 June, typed as the clinic writes dates.
    await audit.getByLabel('What').selectOption({ label: 'Sign-ins' });
    await audit.getByRole('textbox', { name: /^From/ }).fill('01/06/2027');
    await audit.getByRole('textbox', { name: /^To/ }).fill('01/06/2027');
    await audit.getByRole('textbox', { name: /^To/ }).blur();
    await until('one row', async () => (await rows(page)).length === 1);
    expect(await rows(page)).toEqual([['Sam Lee', 'signed in 12 times', '']]);
    expect(await table.getByRole('row').nth(1).getByRole('cell').first().textContent()).toMatch(
      /^Tue, 1 Jun 2027, 0?8:00–19:00$/,
    );
    const csv = await audit.getByRole('link', { name: 'Download these entries as CSV' }).getAttribute('href');
    expect(new URL(csv!, dashboard.base).searchParams.toString()).toBe(
      `category=sign_ins&actor=${desk.userId}&from=2027-06-01&to=2027-06-01`,
    );
    // Nothing on another day: the empty state says so.
    await audit.getByRole('textbox', { name: /^From/ }).fill('02/06/2027');
    await audit.getByRole('textbox', { name: /^To/ }).fill('02/06/2027');
    await audit.getByText('Nothing recorded for these filters.').waitFor();
  });
});
