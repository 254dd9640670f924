// The owner's Statistics on a laptop (1366 px) and a tablet (768 px): nothing scrolls
// sideways, the charts' labels are readable, dates are the clinic's, each chart's
// figures are also a table, and the screen opens on the days that have calls. Then
// a new clinic's owner follows the set-up checklist until it goes away.
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { seedDemoData } from '../../src/demo/demo-data.js';
import { calendarDate } from '../../web/src/format/dates.js';
import { startLiveDashboard, type LiveDashboard } from '../helpers/browser.js';
import { Caller } from '../helpers/caller.js';
import { makeClinic, makeStaff, type StaffLogin } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';

// Thursday 10 June 2027, 11:00 in London: the demo's calls run from Friday 4 June to this morning.
const THURSDAY_11AM = new Date('2027-06-10T10:00:00Z');
const LONDON = 'Europe/London';
const VIEWPORTS = [
  { width: 1366, height: 800 },
  { width: 768, height: 1024 },
];

/** Each row's cells' texts (run in the page). */
const cellTexts = (rows: Array<{ children: ArrayLike<{ textContent: string | null }> }>) =>
  rows.map((r) => Array.from(r.children, (c) => c.textContent ?? ''));
const fitsSideways = (page: Page) =>
  page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');

describeWith(needs.browser, 'Statistics that fit the screen, and the set-up checklist', () => {
  let dashboard: LiveDashboard;
  let demo: { clinicId: string; owner: StaffLogin };
  beforeAll(async () => {
    dashboard = await startLiveDashboard(THURSDAY_11AM);
    demo = await demoClinic();
  });
  afterAll(() => dashboard.close());

  const open = async (page: Page, tab: string) => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: tab }).click();
    await page.getByRole('region', { name: tab, exact: true }).waitFor();
  };

  /** A clinic with the demo's week of calls, and its owner (once a database: the demo's call ids are the day's). */
  async function demoClinic(): Promise<{ clinicId: string; owner: StaffLogin }> {
    const { prisma } = dashboard.db;
    const clinic = await makeClinic(prisma, { timeZone: LONDON, locale: 'en-GB' });
    const desk = await makeStaff(prisma, clinic.id, 'receptionist');
    await seedDemoData(prisma, { id: clinic.id, number: clinic.numbers[0]! }, desk.userId, THURSDAY_11AM);
    return { clinicId: clinic.id, owner: await makeStaff(prisma, clinic.id, 'owner') };
  }

  /** Each local day's incoming calls, as the database has them. */
  async function callsByDay(clinicId: string): Promise<Map<string, number>> {
    const calls = await dashboard.db.prisma.call.findMany({
      where: { clinicId, direction: 'inbound' },
      select: { startedAt: true },
    });
    const days = new Map<string, number>();
    for (const c of calls) {
      const day = DateTime.fromJSDate(c.startedAt, { zone: LONDON }).toISODate()!;
      days.set(day, (days.get(day) ?? 0) + 1);
    }
    return days;
  }

  it.each(VIEWPORTS)(
    'at $width×$height: no sideways scroll, labels of 12 px or more, the clinic’s dates, every chart also a table, and the days with calls',
    async (viewport) => {
      const { clinicId, owner } = demo;
      const page = await dashboard.signedInPage(owner, THURSDAY_11AM);
      await page.setViewportSize(viewport);
      await open(page, 'Statistics');
      const stats = page.getByRole('region', { name: 'Statistics' });
      const perDay = stats.getByRole('table', { name: 'Calls per day' });
      await perDay.waitFor({ state: 'attached' });

      // The default period is the demo's days, Friday to today, each with its calls.
      const expected = await callsByDay(clinicId);
      expect([...expected.keys()].sort()).toEqual([
        '2027-06-04',
        '2027-06-05',
        '2027-06-06',
        '2027-06-07',
        '2027-06-08',
        '2027-06-09',
        '2027-06-10',
      ]);
      expect(await stats.getByRole('textbox', { name: /^From/ }).inputValue()).toBe('04/06/2027');
      expect(await stats.getByRole('textbox', { name: /^To/ }).inputValue()).toBe('10/06/2027');
      const rows = await perDay.locator('tbody tr').evaluateAll(cellTexts);
      expect(rows).toEqual([...expected].sort().map(([day, calls]) => [calendarDate(day, 'en-GB'), String(calls)]));

      // Dates as the clinic writes them: "4 Jun" under the bars, never "06-04".
      const axis = await stats.getByRole('img', { name: 'Calls per day' }).locator('text.axis').allTextContents();
      expect(axis).toEqual(expect.arrayContaining(['4 Jun', '7 Jun', '10 Jun']));
      expect(axis.filter((t) => /^\d\d-\d\d$/.test(t))).toEqual([]);

      // Every label on every chart is drawn at 12 px or more, as the screen shows it.
      // The font's size times the SVG's scale, and the height the text takes on the screen.
      const sizes = await stats
        .locator('.chart svg text')
        .evaluateAll((texts) =>
          texts.map((t) => [
            t.textContent,
            parseFloat(t.ownerDocument.defaultView.getComputedStyle(t).fontSize) * t.getScreenCTM().a,
            t.getBoundingClientRect().height,
          ]),
        );
      expect(sizes.length).toBeGreaterThan(8 * 3);
      expect(sizes.filter(([, font, height]) => font < 12 || height < 12)).toEqual([]);

      // Each chart's bars carry the same figures as its table (bars of 0 are not drawn).
      const charts = stats.locator('figure.chart');
      expect(await charts.count()).toBe(8);
      for (const chart of await charts.all()) {
        const title = (await chart.locator('figcaption').textContent())!;
        const table = chart.getByRole('table', { name: title });
        const heads = await table.locator('thead th').allTextContents();
        const cells = await table.locator('tbody tr').evaluateAll(cellTexts);
        const fromTable = cells.flatMap(([name, ...values]) =>
          values.flatMap((v, k) => (v === '–' || v === '0' || v === '0 %' ? [] : [`${name}: ${heads[k + 1]} ${v}`])),
        );
        const bars = await chart.locator('svg rect title').allTextContents();
        expect([title, bars.sort()]).toEqual([title, fromTable.sort()]);
        expect(fromTable.length).toBeGreaterThan(0);
      }

      expect(await fitsSideways(page)).toBe(true);
      // Shown on request, a table scrolls inside its own box, which the keyboard can reach.
      const outcomes = charts.filter({ hasText: 'Outcomes per day' });
      await outcomes.getByRole('button', { name: 'Show as a table' }).click();
      const box = outcomes.getByRole('region', { name: 'Outcomes per day, as a table' });
      await box.waitFor();
      expect(await box.getAttribute('tabindex')).toBe('0');
      expect(await box.getByRole('table').isVisible()).toBe(true);
      expect(await fitsSideways(page)).toBe(true);
      await page.screenshot({ path: `test-artifacts/statistics-${viewport.width}.png`, fullPage: true });
    },
  );

  it("a new clinic's owner sees what is left to set up, and the list goes once the first call comes in", async () => {
    const { prisma } = dashboard.db;
    const clinic = await makeClinic(prisma, { timeZone: LONDON });
    const owner = await makeStaff(prisma, clinic.id, 'owner');
    const page = await dashboard.signedInPage(owner, THURSDAY_11AM);
    await open(page, 'Statistics');
    const checklist = page.getByRole('region', { name: 'Set-up checklist' });
    await checklist.getByText('0 of 7 done').waitFor();
    expect(await checklist.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^To do: Reception hours\. .*Settings → Reception hours$/),
      expect.stringMatching(/^To do: A practitioner\. /),
      expect.stringMatching(/^To do: Practitioners' working hours\. /),
      expect.stringMatching(/^To do: An appointment type callers can book by phone\. /),
      expect.stringMatching(/^To do: Emergency advice approved\. /),
      expect.stringMatching(/^To do: Someone to answer\. /),
      expect.stringMatching(new RegExp(`^To do: A first call\\. No call has reached \\${clinic.numbers[0]} yet`)),
    ]);
    expect(await fitsSideways(page)).toBe(true);

    // Its link opens Settings at the section.
    await checklist.getByRole('link', { name: 'Urgent phrases and emergency advice' }).click();
    await page.getByRole('form', { name: 'Urgent phrases and emergency advice' }).waitFor();
    // Focus moves to the section (or the anchor Settings wraps it in).
    const advice = '[aria-label="Urgent phrases and emergency advice"]';
    await page.waitForFunction(`document.activeElement?.matches('${advice}, :has(> ${advice})') === true`);
    expect(new URL(page.url()).pathname).toBe('/settings');

    // The owner sets the rest up (here straight into the database); moving to another screen checks again.
    const patel = await prisma.practitioner.create({
      data: {
        clinicId: clinic.id,
        name: 'Anita Patel',
        spokenName: 'Dr Patel',
        workingHours: { create: [{ weekday: 4, startMinute: 9 * 60, endMinute: 17 * 60 }] },
      },
    });
    await prisma.appointmentType.create({
      data: {
        clinicId: clinic.id,
        name: 'Check-up',
        durationMinutes: 30,
        practitioners: { create: [{ practitionerId: patel.id }] },
      },
    });
    await prisma.openingHours.create({
      data: { clinicId: clinic.id, weekday: 4, startMinute: 8 * 60, endMinute: 18 * 60 },
    });
    await prisma.clinic.update({
      where: { id: clinic.id },
      data: { emergencyAdviceApprovedAt: THURSDAY_11AM, receptionNumber: '+441632960999' },
    });
    await open(page, 'Staff');
    await checklist.getByText('6 of 7 done').waitFor();
    expect(await checklist.locator('li.todo').allTextContents()).toEqual([
      expect.stringMatching(/^To do: A first call\. /),
    ]);

    // The number is rung: the live event ticks the last item, and the list goes without a reload.
    await new Caller(dashboard.testApp.app, clinic.numbers[0]!, '+447700900777').dial();
    await checklist.waitFor({ state: 'detached' });
    await open(page, 'Statistics');
    await page.getByRole('region', { name: 'Statistics' }).getByRole('table', { name: 'Calls per day' }).waitFor({
      state: 'attached',
    });
    expect(await page.getByRole('region', { name: 'Set-up checklist' }).count()).toBe(0);
  });
});
