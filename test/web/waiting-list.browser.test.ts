// The waiting list in Debian's Chromium: a receptionist adds someone, sees the free times
// that fit them and books one (they come off the list); a cancellation in the Diary frees
// a time that fits someone waiting, and one click books it for them.
import type { Page } from 'playwright-core';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

// Wednesday 2 June 2027, 10:00 in London.
const WEDNESDAY_10AM = new Date('2027-06-02T09:00:00Z');

describeWith(needs.browser, 'The waiting list in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(WEDNESDAY_10AM);
  });
  afterAll(() => dashboard?.close());
  const db = () => dashboard.db;

  async function receptionist(clinicId: string, screen: string): Promise<Page> {
    const page = await dashboard.signedInPage(await makeStaff(db().prisma, clinicId, 'receptionist'), WEDNESDAY_10AM);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen }).click();
    return page;
  }

  it('adds someone, shows the free times that fit them, and booking one takes them off the list', async () => {
    const { clinic, khan } = await makeDiary(db().prisma);
    const page = await receptionist(clinic.id, 'Waiting list');
    await page.getByText('Nobody is on the waiting list.').waitFor();
    await page.getByRole('button', { name: 'Add to the waiting list' }).click();
    const add = page.getByRole('region', { name: 'Add to the waiting list' });
    await add.getByLabel('Patient name or number').fill('jane');
    await add.getByLabel('Patient name or number').press('Enter');
    await add.getByText('For Jane Doe').waitFor();
    await add.getByLabel('With').selectOption({ label: 'Omar Khan' });
    await add.getByLabel('From').fill('2027-06-07');
    await add.getByLabel('To').fill('2027-06-11');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Jane Doe is on the waiting list.').waitFor();

    const row = page.getByRole('list', { name: 'Waiting' }).getByRole('listitem', { name: 'Jane Doe' });
    await row.getByText('Check-up with Omar Khan, Mon, 7 Jun 2027 to Fri, 11 Jun 2027').waitFor();
    await row.getByRole('button', { name: 'Free times' }).click();
    const times = row.getByRole('region', { name: 'Free times for Jane Doe' }).getByRole('button');
    await times.first().waitFor();
    // Within their dates, with the practitioner they asked for.
    expect(await times.first().textContent()).toBe('Mon 7 Jun 09:00 · Omar Khan');
    await times.first().click();
    await page
      .getByText(/^Booked Jane Doe for Monday 7 June 09:00 with Omar Khan; they are off the waiting list\.$/)
      .waitFor();
    await page.getByText('Nobody is on the waiting list.').waitFor();
    expect(await db().prisma.appointment.findFirstOrThrow({ where: { clinicId: clinic.id } })).toMatchObject({
      practitionerId: khan.id,
      startsAt: new Date('2027-06-07T08:00:00Z'),
    });
    await page.screenshot({ path: 'test-artifacts/waiting-list.png', fullPage: true });
  });

  it('a cancellation frees a time that fits someone waiting: the Diary offers it, and one click books it for them', async () => {
    const { clinic, patel, checkUp, patient } = await makeDiary(db().prisma);
    const tom = await db().prisma.patient.create({ data: { clinicId: clinic.id, name: 'Tom Evans' } });
    await db().prisma.waitlistEntry.create({
      data: {
        clinicId: clinic.id,
        patientId: tom.id,
        typeId: checkUp.id,
        fromDate: new Date('2027-06-03'),
        toDate: new Date('2027-06-04'),
      },
    });
    const janes = await placeAppointment(
      db().prisma,
      { clinicId: clinic.id, practitionerId: patel.id, patientId: patient.id, typeId: checkUp.id },
      '2027-06-03T09:00:00Z',
    );
    const page = await receptionist(clinic.id, 'Diary');
    await page.getByRole('button', { name: 'Thu 3 June' }).click();
    await page.getByRole('button', { name: /^10:00 to 10:30, Jane Doe/ }).click();
    await page.getByRole('button', { name: 'Cancel appointment…' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByText("Cancelled Jane Doe's Check-up.").waitFor();
    // The freed time is offered to the waiting list by a job, as in production.
    const { ctx } = dashboard.testApp;
    await new JobRunner(db(), jobHandlers(ctx), { logger: ctx.logger, clock: ctx.clock }).runDue();
    const offer = page.getByRole('region', { name: 'A freed time fits someone waiting' });
    await offer.getByText('Tom Evans', { exact: true }).waitFor();
    await offer.getByRole('button', { name: 'Book it for Tom Evans' }).click();
    await page.getByText(/^Booked Tom Evans for .*; they are off the waiting list\.$/).waitFor();
    const booked = await db().prisma.appointment.findFirstOrThrow({ where: { patientId: tom.id } });
    expect(booked).toMatchObject({ startsAt: janes.startsAt, practitionerId: patel.id, status: 'booked' });
    expect(
      (await db().prisma.waitlistEntry.findFirstOrThrow({ where: { patientId: tom.id } })).resolvedAt,
    ).not.toBeNull();
    await page.getByRole('button', { name: /^10:00 to 10:30, Tom Evans/ }).waitFor();
  });
});
