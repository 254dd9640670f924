// Every task at the desk by keyboard alone, in Debian's Chromium (WCAG 2.2 AA: 2.1.1
// Keyboard, 2.1.2 No Keyboard Trap, 2.4.7 Focus Visible). Only Tab, Shift+Tab, Enter,
// Space, arrows and typing act; locators only wait and check. Every control reached
// shows where the focus is, and the panels opened let the focus go on past them.
import type { Locator, Page } from 'playwright-core';
import { seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { startSimulatedDashboard, type LiveDashboard } from '../helpers/browser.js';
import { makeDiary, openReceptionWeekdays, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { describeWith, needs } from '../helpers/services.js';
import { until } from '../helpers/until.js';

// Monday 7 June 2027, 09:00 in London: reception is open.
const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

/** A message of `seconds` of silence, as a WAV file (8 kHz, 8-bit mono): long enough to be still playing when checked. */
function silence(seconds: number): Buffer {
  const samples = 8000 * seconds;
  const wav = Buffer.alloc(44 + samples, 0x80);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(8000, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples, 40);
  return wav;
}

/** Whether the focus is on `locator`'s element (the test has no DOM types: the element is typed by what is used). */
const hasFocus = (locator: Locator) =>
  locator.evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement);
/** Whether the focus is inside `locator`'s element. */
const holdsFocus = (locator: Locator) =>
  locator.evaluate((el: { contains(other: unknown): boolean; ownerDocument: { activeElement: unknown } }) =>
    el.contains(el.ownerDocument.activeElement),
  );

/**
 * How the focused element shows it has the focus: an outline or a shadow, as computed.
 * On the body, the focus has left the page for the browser's own controls: nothing to show.
 */
const FOCUS_LOOK = `(() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    visible: el === document.body || (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
    style: 'outline: ' + s.outlineStyle + ' ' + s.outlineWidth + '; box-shadow: ' + s.boxShadow,
    element: el.outerHTML.slice(0, 160),
  };
})()`;

/** Fails unless the focused control shows it (WCAG 2.4.7). */
async function expectFocusVisible(page: Page, what: string) {
  const look = (await page.evaluate(FOCUS_LOOK)) as { visible: boolean; style: string; element: string };
  if (!look.visible) throw new Error(`${what} has the focus but does not show it (${look.style}): ${look.element}`);
}

/**
 * Presses Tab (or `key`) until `target` has the focus, then checks the focus is visible;
 * fails naming the target if it is never reached: a keyboard trap, or a control the
 * keyboard cannot reach.
 */
async function tabTo(page: Page, target: Locator, { max = 250, key = 'Tab' } = {}) {
  await target.waitFor();
  for (let presses = 0; !(await hasFocus(target)); presses++) {
    if (presses === max)
      throw new Error(
        `${String(target)} was not reached in ${max} presses of ${key}: a trap, or out of the keyboard's reach`,
      );
    await page.keyboard.press(key);
  }
  await expectFocusVisible(page, String(target));
}

/** Tab (and Shift+Tab, from where it was) take the focus out of `region`: it is no trap. */
async function expectNoTrap(page: Page, region: Locator, { max = 100 } = {}) {
  const focused = () => page.locator(':focus').evaluate((el: { outerHTML: string }) => el.outerHTML);
  await region.locator(':focus').waitFor();
  for (const key of ['Tab', 'Shift+Tab']) {
    const start = await focused();
    let presses = 0;
    while (await holdsFocus(region)) {
      if (presses++ === max) throw new Error(`${key} never left ${String(region)}: a keyboard trap`);
      await page.keyboard.press(key);
      await expectFocusVisible(page, `A control reached by ${key} from ${String(region)}`);
    }
    // Back into the region, where the next check (or the task) goes on.
    const back = key === 'Tab' ? 'Shift+Tab' : 'Tab';
    for (let i = 0; i < presses; i++) await page.keyboard.press(back);
    expect(await focused()).toBe(start);
  }
}

describeWith(needs.browser, 'Every task by keyboard alone, in a real browser', () => {
  let dashboard: LiveDashboard;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ dashboard, close: stop } = await startSimulatedDashboard(MONDAY_9AM, 'AC' + 'd'.repeat(32)));
  });
  afterAll(() => stop?.());
  const db = () => dashboard.db;

  async function openClinic() {
    const diary = await makeDiary(db().prisma);
    await openReceptionWeekdays(db().prisma, diary.clinic.id);
    return diary;
  }
  const desk = async (clinicId: string, role: 'owner' | 'receptionist' = 'receptionist') =>
    dashboard.signedInPage(await makeStaff(db().prisma, clinicId, role), MONDAY_9AM);
  /** Opens one of the screens from the navigation, by keyboard. */
  async function openScreen(page: Page, name: string) {
    await tabTo(page, page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true }));
    await page.keyboard.press('Enter');
  }

  it('signs in', async () => {
    const { clinic } = await openClinic();
    const login = await makeStaff(db().prisma, clinic.id, 'receptionist');
    const context = await dashboard.browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) errors.push(msg.text());
      });
      await page.clock.setFixedTime(MONDAY_9AM);
      await page.goto(`${dashboard.base}/sign-in`);
      await tabTo(page, page.getByLabel('Email'));
      await page.keyboard.type(login.email);
      await tabTo(page, page.getByLabel('Password'));
      await page.keyboard.type(login.password);
      await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
      await page.keyboard.press('Enter');
      await page.getByRole('region', { name: 'Live' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('goes available, answers a queued caller, leaves the caller’s card by Tab, and hangs up', async () => {
    const { clinic } = await openClinic();
    const owner = browserAgent(dashboard.testApp.app);
    await owner.signIn(await makeStaff(db().prisma, clinic.id, 'owner'));
    const page = await desk(clinic.id);
    await page.getByText('Phone simulator: answering puts the simulated caller through to this screen.').waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Start taking calls' }));
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Stop taking calls' }).waitFor();

    // A caller on the phone simulator asks for reception.
    const calls = `/api/clinics/${clinic.id}/simulator/calls`;
    const call = await owner.send('post', calls, { from: '+447700900123' });
    expect(call.status).toBe(201);
    await owner.send('post', `${calls}/${call.body.sid as string}/press`, { digits: '3' });
    const queue = page.getByRole('list', { name: 'Queue' });
    await queue.getByText('Jane Doe').waitFor();
    await tabTo(page, queue.getByRole('button', { name: 'Answer' }));
    await page.keyboard.press(' ');
    await page.getByText('On a simulated call').waitFor();
    const card = page.getByRole('region', { name: "Caller's card" });
    await card.getByRole('group', { name: 'Jane Doe' }).waitFor();
    await tabTo(page, card.getByRole('button', { name: 'Close the card' }));
    await expectNoTrap(page, card);

    await tabTo(page, page.getByRole('button', { name: 'Hang up' }));
    await page.keyboard.press('Enter');
    await page.getByText('On a simulated call').waitFor({ state: 'detached' });
  });

  it('books into a free gap on the Diary, passing through the booking form and out of it', async () => {
    const { clinic, khan } = await openClinic();
    const page = await desk(clinic.id);
    await openScreen(page, 'Diary');
    await page.getByRole('region', { name: 'Calendar' }).waitFor();
    const days = page.getByRole('group', { name: 'Days of this week and next' });
    await tabTo(page, days.getByRole('button', { name: 'Tue 8 June' }));
    await page.keyboard.press('Enter');
    const tuesday = page
      .getByRole('region', { name: 'Calendar' })
      .getByRole('group', { name: 'Omar Khan, Tuesday 8 June' });
    await tabTo(page, tuesday.getByRole('button', { name: /^Free 09:00 to 17:00/ }));
    await page.keyboard.press('Enter');

    const form = page.getByRole('region', { name: 'Book an appointment' });
    await form.getByText('From 09:00 with Omar Khan, Tuesday 8 June').waitFor();
    await tabTo(page, form.getByLabel('Patient name or number'));
    await page.keyboard.type('Jane');
    await page.keyboard.press('Enter');
    await form.getByText('For Jane Doe').waitFor();
    const first = form.getByRole('region', { name: 'Free times' }).getByRole('button').first();
    await first.waitFor();
    expect(await first.textContent()).toBe('09:00 · Omar Khan');
    await tabTo(page, first);
    // Its Close button is in reach, and the focus goes on past the form both ways.
    await tabTo(page, form.getByRole('button', { name: 'Close' }));
    await expectNoTrap(page, form);
    await tabTo(page, first, { key: 'Shift+Tab' });
    await page.keyboard.press('Enter');
    await page.getByText('Booked Jane Doe for Tue 8 Jun, 09:00 with Omar Khan.').waitFor();
    expect(await db().prisma.appointment.findFirstOrThrow({ where: { clinicId: clinic.id } })).toMatchObject({
      practitionerId: khan.id,
      startsAt: new Date('2027-06-08T08:00:00Z'),
    });
  });

  it('moves one appointment to another practitioner and cancels another', async () => {
    const { clinic, patel, khan, checkUp, patient } = await openClinic();
    const at = { clinicId: clinic.id, practitionerId: patel.id, patientId: patient.id, typeId: checkUp.id };
    const moving = await placeAppointment(db().prisma, at, '2027-06-10T09:00:00Z'); // Thursday 10:00
    const cancelling = await placeAppointment(db().prisma, at, '2027-06-10T13:00:00Z'); // Thursday 14:00
    const page = await desk(clinic.id);
    await openScreen(page, 'Diary');
    await tabTo(
      page,
      page.getByRole('group', { name: 'Days of this week and next' }).getByRole('button', { name: 'Thu 10 June' }),
    );
    await page.keyboard.press(' ');
    const thursday = page
      .getByRole('region', { name: 'Calendar' })
      .getByRole('group', { name: 'Anita Patel, Thursday 10 June' });

    await tabTo(page, thursday.getByRole('button', { name: /^10:00 to 10:30, Jane Doe/ }));
    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: "Jane Doe's Check-up" });
    await tabTo(page, panel.getByRole('button', { name: 'Close' }));
    await expectNoTrap(page, panel);
    await tabTo(page, panel.getByRole('button', { name: 'Move…' }), { key: 'Shift+Tab' });
    await page.keyboard.press('Enter');
    const form = panel.getByRole('form', { name: 'Move to' });
    // With Dr Khan instead: the next practitioner in the list, by arrow key.
    const withWhom = form.getByLabel('With');
    await tabTo(page, withWhom);
    await page.keyboard.press('ArrowDown');
    expect(await withWhom.inputValue()).toBe(khan.id);
    const first = form.getByRole('region', { name: 'Move to a free time' }).getByRole('button').first();
    await first.getByText('09:00 · Omar Khan').waitFor();
    await tabTo(page, first);
    await page.keyboard.press('Enter');
    await page.getByText('Moved Jane Doe to Thursday 10 June 09:00 with Omar Khan.').waitFor();
    expect(await db().prisma.appointment.findUniqueOrThrow({ where: { id: moving.id } })).toMatchObject({
      practitionerId: khan.id,
      startsAt: new Date('2027-06-10T08:00:00Z'),
    });

    await tabTo(page, thursday.getByRole('button', { name: /^14:00 to 14:30, Jane Doe/ }));
    await page.keyboard.press('Enter');
    await tabTo(page, panel.getByRole('button', { name: 'Cancel appointment…' }));
    await page.keyboard.press('Enter');
    await tabTo(
      page,
      panel.getByRole('group', { name: 'Cancel this appointment?' }).getByRole('button', { name: 'Yes, cancel it' }),
    );
    await page.keyboard.press('Enter');
    await page.getByText("Cancelled Jane Doe's Check-up.").waitFor();
    expect((await db().prisma.appointment.findUniqueOrThrow({ where: { id: cancelling.id } })).status).toBe(
      'cancelled',
    );
  });

  it('plays a voicemail and marks the call-back done', async () => {
    const { clinic } = await openClinic();
    const { testApp } = dashboard;
    const call = await db().prisma.call.create({
      data: {
        callSid: 'CA' + '7'.repeat(32),
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date('2027-06-07T07:30:00Z'),
        durationSeconds: 40,
        outcome: 'voicemail',
      },
    });
    const recording = await db().prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        kind: 'voicemail',
        recordingSid: 'RE' + '7'.repeat(32),
        status: 'stored',
        durationSeconds: 12,
      },
    });
    await testApp.ctx.recordings.put(
      recording.id,
      seal(await clinicDataKey(db().prisma, testApp.ctx.config.recordingsKey, clinic.id), silence(30), recording.id),
    );
    await db().prisma.callBack.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        reason: 'voicemail',
        fromNumber: '+447700900123',
        calls: { connect: { id: call.id } },
      },
    });
    const login = await makeStaff(db().prisma, clinic.id, 'receptionist');
    const page = await dashboard.signedInPage(login, MONDAY_9AM);
    await openScreen(page, 'Calls');
    const item = page
      .getByRole('list', { name: 'Call-back list' })
      .getByRole('listitem')
      .filter({ hasText: 'Jane Doe' });

    // The player's own play control: nothing is fetched (or audited) until it is pressed.
    const player = item.getByRole('group', { name: 'Voicemail' }).locator('audio');
    await tabTo(page, player);
    const fetched = page.waitForResponse((r) => r.url().endsWith(`/recordings/${recording.id}/audio`));
    await page.keyboard.press(' ');
    expect((await fetched).ok()).toBe(true);
    await until('the voicemail playing', () => player.evaluate((audio: { paused: boolean }) => !audio.paused));
    await until('the listening audited', () =>
      db().prisma.auditEntry.count({
        where: { action: 'recording.listened', actorId: login.userId, subjectId: recording.id },
      }),
    );

    await tabTo(page, item.getByRole('button', { name: 'Mark called back' }));
    await page.keyboard.press('Enter');
    await page.getByText('Nobody is waiting for a call back.').waitFor();
    expect(await db().prisma.callBack.findFirstOrThrow({ where: { clinicId: clinic.id } })).toMatchObject({
      doneBy: login.userId,
    });
  });

  it("changes the clinic's greeting on Settings → Phone line and saves it", async () => {
    const { clinic } = await openClinic();
    const page = await desk(clinic.id, 'owner');
    await openScreen(page, 'Settings');
    const form = page.getByRole('form', { name: 'Phone line' });
    await tabTo(page, form.getByLabel('Greeting'));
    await page.keyboard.type('Thank you for calling Riverside Dental.');
    await tabTo(page, form.getByRole('button', { name: 'Save phone line' }));
    await page.keyboard.press('Enter');
    await form
      .getByRole('status')
      .getByText(/The next call uses it\./)
      .waitFor();
    expect((await db().prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).greeting).toBe(
      'Thank you for calling Riverside Dental.',
    );
  });
});
