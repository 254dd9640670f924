// The receptionist's calendar in Debian's Chromium: booking "next Tuesday afternoon with
// Dr Khan" in three clicks, moving by drag and by the form, marking yesterday's
// attendance, and a week across the spring clock change.
import type { Locator, Page } from 'playwright-core';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { makeClinic, makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

// Wednesday 2 June 2027, 10:00 in London (BST).
const WEDNESDAY_10AM = new Date('2027-06-02T09:00:00Z');

describeWith(needs.browser, 'The calendar in a real browser', () => {
  let dashboard: LiveDashboard;
  beforeAll(async () => {
    dashboard = await startLiveDashboard(WEDNESDAY_10AM);
  });
  afterAll(() => dashboard?.close());
  const db = () => dashboard.db;

  /** A receptionist's Diary with the browser's clock at `now` (the server's is the test clock). */
  async function openDiary(clinicId: string, now = WEDNESDAY_10AM): Promise<Page> {
    const page = await dashboard.signedInPage(await makeStaff(db().prisma, clinicId, 'receptionist'), now);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Diary' }).click();
    await page.getByRole('region', { name: 'Calendar' }).waitFor();
    return page;
  }
  const column = (page: Page, label: string) =>
    page.getByRole('region', { name: 'Calendar' }).getByRole('group', { name: label });
  /** The screen position of a time on the calendar's axis (its hour line). */
  async function yOf(page: Page, clock: string): Promise<number> {
    const label = page.locator('.calendar-axis span', { hasText: clock });
    await label.scrollIntoViewIfNeeded();
    const box = (await label.boundingBox())!;
    return box.y + box.height / 2;
  }
  const box = async (l: Locator) => (await l.boundingBox())!;

  it('books "next Tuesday afternoon with Dr Khan" in three clicks after opening the Diary', async () => {
    const { clinic, khan } = await makeDiary(db().prisma);
    const page = await openDiary(clinic.id);
    let clicks = 0;
    const click = async (l: Locator) => {
      clicks++;
      await l.click();
    };

    await click(
      page.getByRole('group', { name: 'Days of this week and next' }).getByRole('button', { name: 'Tue 8 June' }),
    );
    const khanTuesday = column(page, 'Omar Khan, Tuesday 8 June');
    const gap = khanTuesday.getByRole('button', { name: /^Free 09:00 to 17:00/ });
    await gap.waitFor();
    // Into the gap at 14:00: the free times start there.
    const y = (await yOf(page, '14:00')) + 4;
    const gapBox = await box(gap);
    clicks++;
    await page.mouse.click(gapBox.x + gapBox.width / 2, y);
    const form = page.getByRole('region', { name: 'Book an appointment' });
    await form.getByText('From 14:00 with Omar Khan, Tuesday 8 June').waitFor();
    await form.getByLabel('Patient name or number').fill('Jane');
    await form.getByLabel('Patient name or number').press('Enter');
    await form.getByText('For Jane Doe').waitFor();
    const first = form.getByRole('region', { name: 'Free times' }).getByRole('button').first();
    expect(await first.textContent()).toBe('14:00 · Omar Khan');
    await click(first);
    await page.getByText('Booked Jane Doe for Tue 8 Jun, 14:00 with Omar Khan.').waitFor();
    expect(clicks).toBeLessThanOrEqual(3);

    const booked = await db().prisma.appointment.findFirstOrThrow({ where: { clinicId: clinic.id } });
    expect(booked).toMatchObject({ practitionerId: khan.id, startsAt: new Date('2027-06-08T13:00:00Z') });
    // On the calendar, in Dr Khan's column at 14:00, and the gap split around it.
    const block = khanTuesday.getByRole('button', { name: /^14:00 to 14:30, Jane Doe, Check-up, Omar Khan$/ });
    await block.waitFor();
    const fourteen = await yOf(page, '14:00'); // scrolls the calendar to it first
    expect(Math.abs((await box(block)).y - fourteen)).toBeLessThan(3);
    await khanTuesday.getByRole('button', { name: /^Free 09:00 to 14:00/ }).waitFor();
    await khanTuesday.getByRole('button', { name: /^Free 14:30 to 17:00/ }).waitFor();
    // The page never scrolls sideways; the calendar fits the window.
    const fits = await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
    expect(fits).toBe(true);
    await page.screenshot({ path: 'test-artifacts/diary.png' });
  });

  it('moves an appointment by dragging it to another practitioner and time, then by the form', async () => {
    const { clinic, patel, khan, checkUp, patient } = await makeDiary(db().prisma);
    const appointment = await db().prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: patient.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-03T09:00:00Z'), // Thursday 10:00
        endsAt: new Date('2027-06-03T09:30:00Z'),
        blockedUntil: new Date('2027-06-03T09:30:00Z'),
        source: 'dashboard',
      },
    });
    const page = await openDiary(clinic.id);
    await page.getByRole('button', { name: 'Thu 3 June' }).click();
    const block = column(page, 'Anita Patel, Thursday 3 June').getByRole('button', { name: /Jane Doe/ });
    const from = await box(block);
    const target = await box(column(page, 'Omar Khan, Thursday 3 June'));
    // Grab it near its top, drop it on 15:00 in Dr Khan's column.
    await page.mouse.move(from.x + from.width / 2, from.y + 5);
    await page.mouse.down();
    const y = (await yOf(page, '15:00')) + 5;
    await page.mouse.move(target.x + target.width / 2, y - 40, { steps: 4 });
    await page.mouse.move(target.x + target.width / 2, y, { steps: 4 });
    await page.mouse.up();
    const confirm = page.getByRole('region', { name: 'Move appointment' });
    await confirm.getByText("Move Jane Doe's Check-up to Thursday 3 June 15:00 with Omar Khan?").waitFor();
    await confirm.getByRole('button', { name: 'Move' }).click();
    await page.getByText('Moved Jane Doe to Thursday 3 June 15:00 with Omar Khan.').waitFor();
    expect(await db().prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).toMatchObject({
      practitionerId: khan.id,
      startsAt: new Date('2027-06-03T14:00:00Z'),
    });

    // By the form: Friday morning with Dr Patel.
    await column(page, 'Omar Khan, Thursday 3 June')
      .getByRole('button', { name: /Jane Doe/ })
      .click();
    const panel = page.getByRole('region', { name: "Jane Doe's Check-up" });
    await panel.getByRole('button', { name: 'Move…' }).click();
    const form = panel.getByRole('form', { name: 'Move to' });
    await form.getByLabel('New day').fill('2027-06-04');
    await form.getByLabel('With').selectOption({ label: 'Anita Patel' });
    await form.getByLabel('Part of the day').selectOption('morning');
    const times = form.getByRole('region', { name: 'Move to a free time' }).getByRole('button');
    await times.first().waitFor();
    expect(await times.first().textContent()).toBe('09:00 · Anita Patel');
    expect(await times.last().textContent()).toBe('11:45 · Anita Patel');
    await times.nth(2).click();
    await page.getByText('Moved Jane Doe to Friday 4 June 09:30 with Anita Patel.').waitFor();
    expect(await db().prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).toMatchObject({
      practitionerId: patel.id,
      startsAt: new Date('2027-06-04T08:30:00Z'),
    });
  });

  it("marks yesterday's appointment attended (and corrects a mistake); cancelled ones show struck through on request", async () => {
    const { clinic, patel, checkUp, patient } = await makeDiary(db().prisma);
    const at = { clinicId: clinic.id, practitionerId: patel.id, patientId: patient.id, typeId: checkUp.id };
    const make = (startsAt: string, status: 'booked' | 'cancelled' = 'booked') =>
      placeAppointment(db().prisma, at, startsAt, { status });
    const yesterday = await make('2027-06-01T10:00:00Z');
    await make('2027-06-01T13:00:00Z', 'cancelled');
    const page = await openDiary(clinic.id);
    await page.getByRole('button', { name: 'Previous day' }).click();
    const tuesday = column(page, 'Anita Patel, Tuesday 1 June');
    await tuesday.getByRole('button', { name: /^11:00 to 11:30, Jane Doe/ }).click();
    const panel = page.getByRole('region', { name: "Jane Doe's Check-up" });
    await panel.getByRole('button', { name: 'Did not attend' }).click();
    await page.getByText('Jane Doe: did not attend.').waitFor();
    await tuesday
      .getByRole('button', { name: /^11:00 to 11:30, Jane Doe, Check-up, Anita Patel, Did not attend$/ })
      .click();
    await panel.getByRole('button', { name: 'Attended' }).click();
    await page.getByText('Jane Doe: attended.').waitFor();
    await tuesday.getByRole('button', { name: /Jane Doe, Check-up, Anita Patel, Attended$/ }).waitFor();
    expect((await db().prisma.appointment.findUniqueOrThrow({ where: { id: yesterday.id } })).status).toBe('attended');
    // Yesterday offers no free gaps to book into.
    expect(await tuesday.getByRole('button', { name: /^Free/ }).count()).toBe(0);

    expect(await tuesday.getByRole('button', { name: /Cancelled$/ }).count()).toBe(0);
    await page.getByLabel('Show cancelled').check();
    await tuesday
      .getByRole('button', { name: /^14:00 to 14:30, Jane Doe, Check-up, Anita Patel, Cancelled$/ })
      .waitFor();
  });

  it('a week across the spring clock change: 09:00 is level on every day, before and after the change', async () => {
    const clinic = await makeClinic(db().prisma);
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 }));
    const lee = await db().prisma.practitioner.create({
      data: { clinicId: clinic.id, name: 'Sam Lee', spokenName: 'Sam', workingHours: { create: everyDay } },
    });
    const type = await db().prisma.appointmentType.create({
      data: {
        clinicId: clinic.id,
        name: 'Clean',
        durationMinutes: 30,
        practitioners: { create: [{ practitionerId: lee.id }] },
      },
    });
    const patient = await db().prisma.patient.create({ data: { clinicId: clinic.id, name: 'Ann Bell' } });
    // 09:00 local on Saturday 27 March (GMT) and Sunday 28 March (BST, clocks went forward at 01:00).
    for (const startsAt of ['2027-03-27T09:00:00Z', '2027-03-28T08:00:00Z'])
      await db().prisma.appointment.create({
        data: {
          clinicId: clinic.id,
          practitionerId: lee.id,
          patientId: patient.id,
          typeId: type.id,
          startsAt: new Date(startsAt),
          endsAt: new Date(new Date(startsAt).getTime() + 30 * 60_000),
          blockedUntil: new Date(new Date(startsAt).getTime() + 30 * 60_000),
          source: 'dashboard',
        },
      });
    const page = await openDiary(clinic.id, new Date('2027-03-22T09:00:00Z'));
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Week' }).click();
    await page.getByLabel('Date').fill('2027-03-25');
    // Both named 09:00 on the clinic's clock, either side of the change.
    const named = { name: '09:00 to 09:30, Ann Bell, Clean, Sam Lee', exact: true };
    const saturday = column(page, 'Sam Lee, Saturday 27 March').getByRole('button', named);
    const sunday = column(page, 'Sam Lee, Sunday 28 March').getByRole('button', named);
    await sunday.waitFor();
    await saturday.waitFor();
    const nine = await yOf(page, '09:00'); // scrolls the calendar to it first
    const [sat, sun] = [await box(saturday), await box(sunday)];
    expect(sun.y).toBeCloseTo(sat.y, 0);
    expect(sun.height).toBeCloseTo(sat.height, 0);
    expect(Math.abs(sat.y - nine)).toBeLessThan(3);
    // Working time is shaded the same on both days: the gaps after each appointment start and end level.
    const satGap = await box(
      column(page, 'Sam Lee, Saturday 27 March').getByRole('button', { name: /^Free 09:30 to 17:00/ }),
    );
    const sunGap = await box(
      column(page, 'Sam Lee, Sunday 28 March').getByRole('button', { name: /^Free 09:30 to 17:00/ }),
    );
    expect(sunGap.y).toBeCloseTo(satGap.y, 0);
    expect(sunGap.height).toBeCloseTo(satGap.height, 0);
    await page.screenshot({ path: 'test-artifacts/diary-week.png' });
  });
});
