// WCAG 2.2 AA, checked as an auditor would: axe-core's WCAG 2.0–2.2 A/AA rules on every
// screen and its main dialogs of the demo clinic (`npm start`'s), at 1366 px and 768 px
// wide, in Debian's Chromium. No serious or critical violation, and no page scrolls
// sideways (a calendar or table may scroll inside its own area).
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bookAheadFor, openReceptionAllWeek, startDemoServer, type DemoServer } from '../helpers/demo-server.js';
import { CHROMIUM_ARGS, openADiaryAppointment, signedInPage } from '../helpers/pages.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const WIDTHS = [
  { width: 1366, height: 768 },
  { width: 768, height: 1024 },
  // 1366 × 768 at 200 % zoom (WCAG 1.4.4): the same page in half the CSS pixels.
  { width: 683, height: 384 },
  // 1280 × 1024 at 400 % zoom (WCAG 1.4.10, reflow): one column, nothing scrolls sideways
  // but a calendar or a table inside its own area.
  { width: 320, height: 256 },
];
/**
 * How far the page scrolls sideways, and the innermost elements that reach past its edge
 * (a tag and its classes each), to say what to fix.
 */
const WIDER_THAN_THE_PAGE = `(() => {
  const root = document.documentElement;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    return false;
  };
  const past = (el) => el.getBoundingClientRect().right > root.clientWidth + 0.5 && !clipped(el);
  const by = [...document.body.querySelectorAll('*')]
    .filter((el) => past(el) && ![...el.children].some(past))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join(''));
  return { scroll: root.scrollWidth, client: root.clientWidth, by };
})()`;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface View {
  name: string;
  open(page: Page, demo: DemoServer): Promise<void>;
}

const tab = async (page: Page, name: string) => {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }).click();
  await page.waitForLoadState('networkidle');
};
const loaded = async (page: Page) =>
  page
    .getByRole('status')
    .filter({ hasText: /^(Loading|Searching)/ })
    .first()
    .waitFor({ state: 'detached' });

/** Each screen, and the dialogs and panels a task opens on it. */
const VIEWS: View[] = [
  { name: 'Live', open: async (page) => void (await page.getByRole('region', { name: 'Live' }).waitFor()) },
  {
    name: "Live: the caller's card",
    async open(page, demo) {
      await tab(page, 'Live');
      // The card's lists (next appointments) are there whatever day the demo was made on.
      await bookAheadFor(demo, '+447700900100');
      const base = `/api/clinics/${demo.clinicId}/simulator/calls`;
      const call = await demo.ownerApi.call('POST', base, { from: '+447700900100' });
      await demo.ownerApi.call('POST', `${base}/${call.body.sid as string}/press`, { digits: '3' });
      const start = page.getByRole('button', { name: 'Start taking calls' });
      if (await start.count()) await start.click();
      await page
        .getByRole('button', { name: /^Card for / })
        .first()
        .click();
      await page
        .getByRole('region', { name: "Caller's card" })
        .getByText(/confirm/i)
        .first()
        .waitFor();
      await loaded(page);
    },
  },
  {
    name: 'Diary',
    async open(page) {
      await tab(page, 'Diary');
      await page.getByRole('region', { name: 'Calendar' }).waitFor();
      await loaded(page);
    },
  },
  {
    name: 'Diary: an appointment',
    async open(page) {
      await openADiaryAppointment(page, { booked: true }); // only a booked one shows Move…
      await page.getByRole('button', { name: 'Move' }).first().waitFor();
    },
  },
  {
    name: 'Diary: booking into a gap',
    async open(page) {
      await tab(page, 'Diary');
      const calendar = page.getByRole('region', { name: 'Calendar' });
      await calendar
        .getByRole('button', { name: /^Free / })
        .first()
        .click();
      await page.getByRole('button', { name: /^Book/ }).first().waitFor();
    },
  },
  {
    name: 'Patients: a record',
    async open(page) {
      await tab(page, 'Patients');
      await page.getByLabel('Name, number or date of birth').fill('Jane Doe');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
      await page.getByRole('region', { name: 'Jane Doe' }).waitFor();
      await loaded(page);
    },
  },
  {
    name: 'Patients: new patient',
    async open(page) {
      await tab(page, 'Patients');
      await page.getByRole('button', { name: 'New patient' }).first().click();
      await page
        .getByRole('button', { name: /Save|Add/ })
        .first()
        .waitFor();
    },
  },
  {
    name: 'Waiting list: free times',
    async open(page) {
      await tab(page, 'Waiting list');
      const first = page.getByRole('list', { name: 'Waiting' }).getByRole('listitem').first();
      await first.getByRole('button', { name: 'Free times' }).click();
      await first
        .getByRole('region', { name: /^Free times for / })
        .getByRole('button')
        .first()
        .waitFor();
    },
  },
  {
    name: 'Waiting list: adding someone',
    async open(page) {
      await tab(page, 'Waiting list');
      await page.getByRole('button', { name: 'Add to the waiting list' }).click();
      await page.getByRole('region', { name: 'Add to the waiting list' }).waitFor();
    },
  },
  {
    name: 'Calls: logging a try',
    async open(page) {
      await tab(page, 'Calls');
      await loaded(page);
      await page.getByRole('button', { name: 'Log a try' }).first().click();
      await page.getByRole('form', { name: /^Log a try/ }).waitFor();
    },
  },
  {
    name: 'Phone simulator: a call',
    async open(page) {
      await tab(page, 'Phone simulator');
      await page.getByLabel('Calling from').fill('+447700900101');
      await page.getByRole('button', { name: 'Call the clinic' }).click();
      await page
        .getByRole('list', { name: 'What the caller hears' })
        .getByText(/How can I help\?/)
        .waitFor();
    },
  },
  {
    name: 'Statistics',
    async open(page) {
      await tab(page, 'Statistics');
      await loaded(page);
    },
  },
  {
    name: 'Settings',
    async open(page) {
      await tab(page, 'Settings');
      await page.getByRole('region', { name: 'Reception hours' }).waitFor();
      await loaded(page);
    },
  },
  {
    name: 'Staff',
    async open(page) {
      await tab(page, 'Staff');
      await loaded(page);
    },
  },
  {
    name: 'Audit',
    async open(page) {
      await tab(page, 'Audit');
      await loaded(page);
    },
  },
];

describeWith(needs.browser, 'Every screen to WCAG 2.2 AA (axe-core), at 1366, 768 and 683 px (200 % zoom)', () => {
  let demo: DemoServer;
  let browser: Browser;
  beforeAll(async () => {
    demo = await startDemoServer();
    await openReceptionAllWeek(demo);
    browser = await chromium.launch({ executablePath: process.env.TEST_BROWSER, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it.each(WIDTHS)(
    'every screen and dialog at $width px',
    async (viewport) => {
      const errors: string[] = [];
      const page = await signedInPage(browser, demo.url, demo.owner, errors, undefined, viewport);
      const found: string[] = [];
      for (const view of VIEWS) {
        await view.open(page, demo);
        const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
        for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
          found.push(
            `${view.name}: ${v.id} (${v.impact}) — ${v.help}\n    ${v.nodes
              .slice(0, 4)
              .map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`)
              .join('\n    ')}`,
          );
        const overflow = (await page.evaluate(WIDER_THAN_THE_PAGE)) as { scroll: number; client: number; by: string[] };
        if (overflow.scroll > overflow.client)
          found.push(
            `${view.name}: the page scrolls sideways by ${overflow.scroll - overflow.client} px (${overflow.by.join(', ')})`,
          );
      }
      await page.close();
      expect(found).toEqual([]);
      expect(errors).toEqual([]);
      // Some twenty views with axe each: minutes on a busy machine, not a hang.
    },
    300_000,
  );

  it('tells screen readers of a new caller through a live region, without moving the focus', async () => {
    const errors: string[] = [];
    const page = await signedInPage(browser, demo.url, demo.receptionist, errors);
    const news = page.locator('#queue-news');
    expect(await news.getAttribute('aria-live')).toBe('polite');
    await page.getByRole('list', { name: 'Queue' }).or(page.getByText('Nobody is waiting')).first().waitFor();
    // She is taking calls (with nobody taking them a caller is offered voicemail, not the
    // queue), and her focus is where she works: the presence button.
    await page.getByRole('button', { name: 'Start taking calls' }).click();
    const working = page.getByRole('button', { name: 'Stop taking calls' });
    await working.focus();
    const focused = () =>
      working.evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement);
    expect(await focused()).toBe(true);

    const base = `/api/clinics/${demo.clinicId}/simulator/calls`;
    const call = await demo.ownerApi.call('POST', base, { from: '+447700900999' });
    await demo.ownerApi.call('POST', `${base}/${call.body.sid as string}/press`, { digits: '3' });
    const said = (start: string) =>
      until(
        `the live region to say "${start}…"`,
        async () => (await news.textContent())?.startsWith(start) || undefined,
      );
    await said('New caller waiting: a caller not on record.');
    expect(await focused()).toBe(true);
    await demo.ownerApi.call('POST', `${base}/${call.body.sid as string}/hangup`);
    await said('Queue: ');
    expect(await focused()).toBe(true);
    await page.close();
    expect(errors).toEqual([]);
  });
});
