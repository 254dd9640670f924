// The Patients screen and booking for someone new, in Debian's Chromium: a patient
// nobody has registered is added from an empty search, found again without their
// accents, edited (a second number, notes, who books for them), and their record shows it.
import type { Page } from 'playwright-core';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

const WEDNESDAY_10AM = new Date('2027-06-02T09:00:00Z');

describeWith(needs.browser, 'Patients in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(WEDNESDAY_10AM);
  });
  afterAll(() => dashboard?.close());

  async function receptionist(clinicId: string): Promise<Page> {
    const page = await dashboard.signedInPage(
      await makeStaff(dashboard.db.prisma, clinicId, 'receptionist'),
      WEDNESDAY_10AM,
    );
    return page;
  }
  const screen = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name }).click();

  it('someone unregistered is added from an empty search, found as "siobhan", and edited; the record shows it all', async () => {
    const { clinic } = await makeDiary(dashboard.db.prisma);
    const page = await receptionist(clinic.id);
    await screen(page, 'Patients');
    await page.getByLabel('Name, number or date of birth').fill('Siobhán Ní Bhriain');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No patient matches “Siobhán Ní Bhriain”.').waitFor();
    await page.getByRole('button', { name: 'Add them as a new patient' }).click();
    const form = page.getByRole('form', { name: 'New patient' });
    expect(await form.getByLabel('Name').inputValue()).toBe('Siobhán Ní Bhriain');
    await form.getByLabel('Main number').fill('07700 900 444');
    await form.getByLabel('Date of birth').fill('1990-07-14');
    // A bad number is refused in words, naming it, and nothing is saved.
    await form.getByRole('button', { name: 'Add another number' }).click();
    await form.getByLabel('Number 2').fill('12');
    await form.getByRole('button', { name: 'Add patient' }).click();
    await form
      .getByRole('alert')
      .getByText(/phones\.1: "12" is not a phone number/)
      .waitFor();
    expect(
      await dashboard.db.prisma.patient.count({ where: { clinicId: clinic.id, name: 'Siobhán Ní Bhriain' } }),
    ).toBe(0);
    await form.getByLabel('Number 2').fill('020 7946 0444');
    await form.getByRole('button', { name: 'Add patient' }).click();
    await page.getByText('Added Siobhán Ní Bhriain.').waitFor();
    const record = page.getByRole('region', { name: 'Siobhán Ní Bhriain' });
    await record.getByText('+447700900444, +442079460444').waitFor();

    // Found again as the desk types it: no accents, lower case.
    await page.getByLabel('Name, number or date of birth').fill('siobhan');
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: 'Siobhán Ní Bhriain' })
      .click();

    // Edited: notes, and Jane Doe books for her.
    await record.getByRole('button', { name: 'Edit details' }).click();
    const edit = page.getByRole('form', { name: 'Edit Siobhán Ní Bhriain' });
    await edit.getByLabel('Notes').fill('Hard of hearing: speak up');
    await edit.getByRole('button', { name: 'Choose a parent or carer' }).click();
    await edit.getByLabel('Patient name or number').fill('jane');
    await edit.getByLabel('Patient name or number').press('Enter');
    await edit.getByLabel('What they are to the patient').fill('carer');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved Siobhán Ní Bhriain.').waitFor();
    await record.getByLabel('Notes').getByText('Hard of hearing: speak up').waitFor();
    await record.getByText('(carer)').waitFor();
    expect(
      await dashboard.db.prisma.patient.findFirstOrThrow({
        where: { clinicId: clinic.id, name: 'Siobhán Ní Bhriain' },
        select: { phone: true, otherPhones: true, notes: true, guardianRelation: true, dateOfBirth: true },
      }),
    ).toEqual({
      phone: '+447700900444',
      otherPhones: ['+442079460444'],
      notes: 'Hard of hearing: speak up',
      guardianRelation: 'carer',
      dateOfBirth: new Date('1990-07-14'),
    });
    // Her carer's record says whom she books for.
    await record.getByRole('button', { name: 'Jane Doe' }).click();
    await page.getByRole('region', { name: 'Jane Doe' }).getByRole('button', { name: 'Siobhán Ní Bhriain' }).waitFor();
    await page.screenshot({ path: 'test-artifacts/patients.png', fullPage: true });
  });

  it('booking for someone nobody has registered: "New patient" from the empty search, then their free times', async () => {
    const { clinic } = await makeDiary(dashboard.db.prisma);
    const page = await receptionist(clinic.id);
    await screen(page, 'Diary');
    await page.getByRole('button', { name: 'Book an appointment' }).click();
    const book = page.getByRole('region', { name: 'Book an appointment' });
    await book.getByLabel('Patient name or number').fill('07700 900 888');
    await book.getByLabel('Patient name or number').press('Enter');
    await book.getByText('Nobody registered matches “07700 900 888”.').waitFor();
    await book.getByRole('button', { name: 'New patient' }).click();
    const form = book.getByRole('form', { name: 'New patient' });
    expect(await form.getByLabel('Main number').inputValue()).toBe('07700 900 888');
    await form.getByLabel('Name').fill('Olu Adeyemi');
    await form.getByRole('button', { name: 'Add patient' }).click();
    await book.getByText('For Olu Adeyemi').waitFor();
    await book.getByRole('region', { name: 'Free times' }).getByRole('button').first().click();
    await page.getByText(/^Booked Olu Adeyemi for /).waitFor();
    const olu = await dashboard.db.prisma.patient.findFirstOrThrow({
      where: { clinicId: clinic.id, name: 'Olu Adeyemi' },
    });
    expect(olu.phone).toBe('+447700900888');
    expect(await dashboard.db.prisma.appointment.count({ where: { patientId: olu.id } })).toBe(1);
  });
});
