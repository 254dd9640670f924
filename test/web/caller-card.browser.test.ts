// The caller's card in Debian's Chromium: answering a queued caller brings up who they
// may be with their next appointment within a second; the receptionist books from the
// card, and another receptionist's open diary shows it; a note is saved on the call. An
// unknown number becomes a new patient from the card.
import type { Page } from 'playwright-core';
import { startSimulatedDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, openReceptionWeekdays, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

// Monday 7 June 2027, 09:00 in London: reception is open.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

describeWith(needs.browser, "The caller's card in a real browser", () => {
  let dashboard: LiveDashboard;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ dashboard, close: stop } = await startSimulatedDashboard(MONDAY_9AM, 'AC' + 'c'.repeat(32)));
  });
  afterAll(() => stop?.());
  const db = () => dashboard.db;

  async function openClinic() {
    const diary = await makeDiary(db().prisma);
    await openReceptionWeekdays(db().prisma, diary.clinic.id);
    const owner = browserAgent(dashboard.testApp.app);
    await owner.signIn(await makeStaff(db().prisma, diary.clinic.id, 'owner'));
    /** A caller on the phone simulator who asks for reception. */
    const queues = async (from: string) => {
      const base = `/api/clinics/${diary.clinic.id}/simulator/calls`;
      const call = await owner.send('post', base, { from });
      expect(call.status).toBe(201);
      await owner.send('post', `${base}/${call.body.sid as string}/press`, { digits: '3' });
    };
    return { ...diary, queues };
  }
  async function desk(clinicId: string): Promise<Page> {
    const page = await dashboard.signedInPage(await makeStaff(db().prisma, clinicId, 'receptionist'), MONDAY_9AM);
    return page;
  }

  it('answering shows the card with the next appointment within a second; booking from it reaches another desk live; a note is kept', async () => {
    const { clinic, patel, checkUp, patient, queues } = await openClinic();
    await db().prisma.patient.update({ where: { id: patient.id }, data: { notes: 'Hard of hearing' } });
    await placeAppointment(
      db().prisma,
      { clinicId: clinic.id, practitionerId: patel.id, patientId: patient.id, typeId: checkUp.id },
      '2027-06-09T09:00:00Z',
    );
    const anna = await desk(clinic.id);
    await anna.getByRole('button', { name: 'Start taking calls' }).click();
    await anna.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    const ben = await desk(clinic.id);
    await ben.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Diary' }).click();
    await ben
      .getByRole('group', { name: 'Days of this week and next' })
      .getByRole('button', { name: 'Fri 11 June' })
      .click();
    await ben.getByRole('region', { name: 'Calendar' }).waitFor();

    await queues('+447700900123');
    const queue = anna.getByRole('list', { name: 'Queue' });
    await queue.getByText('Jane Doe').waitFor();
    await queue.getByRole('button', { name: 'Answer' }).click();
    const answeredAt = Date.now();
    const card = anna.getByRole('region', { name: "Caller's card" });
    const jane = card.getByRole('group', { name: 'Jane Doe' });
    await jane
      .getByRole('list', { name: "Jane Doe's next appointments" })
      .getByText('Wed 9 Jun, 10:00 — Check-up with Anita Patel')
      .waitFor({ timeout: 1_000 });
    expect(Date.now() - answeredAt).toBeLessThan(1_000);
    await card.getByText(/Caller ID can be faked: confirm who you are speaking to/).waitFor();
    await jane.getByLabel('Notes on Jane Doe').getByText('Hard of hearing').waitFor();
    await card.getByText('+447700900123').waitFor(); // in full: the desk may need to ring it

    // Book from the card: Friday morning with Dr Khan.
    await jane.getByRole('button', { name: 'Book for Jane Doe' }).click();
    const book = card.getByRole('region', { name: 'Book an appointment' });
    await book.getByText('For Jane Doe').waitFor();
    await book.getByLabel('Practitioner').selectOption({ label: 'Omar Khan' });
    await book.getByLabel('Day', { exact: true }).fill('2027-06-11');
    await book.getByLabel('Part of the day').selectOption('morning');
    const first = book.getByRole('region', { name: 'Free times' }).getByRole('button').first();
    expect(await first.textContent()).toBe('09:00 · Omar Khan');
    await first.click();
    await card.getByText('Booked Jane Doe for Fri 11 Jun, 09:00 with Omar Khan.').waitFor();
    // The card shows it among her next; Ben's diary, open on Friday, shows it without a reload.
    await jane.getByText('Fri 11 Jun, 09:00 — Check-up with Omar Khan').waitFor();
    await ben
      .getByRole('region', { name: 'Calendar' })
      .getByRole('group', { name: 'Omar Khan, Friday 11 June' })
      .getByRole('button', { name: /^09:00 to 09:30, Jane Doe/ })
      .waitFor({ timeout: 3_000 });

    // A note on the call, kept with it and audited without its words.
    await card.getByLabel('Note on this call').fill('Wants a morning; asked about the X-ray');
    await card.getByRole('button', { name: 'Save note' }).click();
    await card.getByText('Note saved.').waitFor();
    const call = await db().prisma.call.findFirstOrThrow({ where: { clinicId: clinic.id, note: { not: null } } });
    expect(call.note).toBe('Wants a morning; asked about the X-ray');
    const audit = await db().prisma.auditEntry.findFirstOrThrow({
      where: { clinicId: clinic.id, action: 'call.noted' },
    });
    expect(audit.subjectId).toBe(call.id);
    expect(audit.details).toBeNull();
    await anna.screenshot({ path: 'test-artifacts/caller-card.png', fullPage: true });
  });

  it('an unknown number: the card says so, and "New patient" registers them on that number', async () => {
    const { clinic, queues } = await openClinic();
    const anna = await desk(clinic.id);
    await anna.getByRole('button', { name: 'Start taking calls' }).click();
    await anna.getByRole('button', { name: 'Stop taking calls' }).waitFor();
    await queues('+447700900777');
    const queue = anna.getByRole('list', { name: 'Queue' });
    await queue.getByRole('button', { name: 'Card for the caller' }).click();
    const card = anna.getByRole('region', { name: "Caller's card" });
    await card.getByText('No patient has this number.').waitFor();
    await card.getByRole('button', { name: 'New patient' }).click();
    const form = card.getByRole('form', { name: 'New patient' });
    expect(await form.getByLabel('Main number').inputValue()).toBe('+447700900777');
    await form.getByLabel('Name').fill('Priya Shah');
    await form.getByRole('button', { name: 'Add patient' }).click();
    await card.getByRole('group', { name: 'Priya Shah' }).waitFor();
    await card.getByRole('heading', { name: 'Priya Shah' }).first().waitFor();
    expect(
      await db().prisma.patient.count({ where: { clinicId: clinic.id, name: 'Priya Shah', phone: '+447700900777' } }),
    ).toBe(1);
  });
});
