// Whole calls through signed webhooks, as a caller would make them: what they want said
// in one sentence is offered at once (at most two questions after the greeting), the
// keypad still works everywhere, and silence or nonsense is asked again before anything
// else happens.
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine, MONDAY_9AM } from '../helpers/phone-line.js';
import { periodReport } from '../../src/statistics/statistics.js';
import { databaseKinds } from '../helpers/services.js';
import type { Caller } from '../helpers/caller.js';

/** How many questions the caller was asked from the greeting's until the times were offered. */
async function questionsUntilOffer(c: Caller, answers: string[]): Promise<number> {
  let asked = 1; // the greeting's "How can I help?"
  for (const answer of answers) {
    await c.say(answer);
    if (/ has .* at /.test(c.heard()) && c.heard().includes('To take ')) return asked;
    asked++;
  }
  throw new Error(`never offered times; last heard: ${c.heard()}`);
}

describe.each(databaseKinds())('Saying what you want (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  /** The diary clinic (Monday 7 June 2027, 09:00) with a second type, Vaccination ("jab"), by Dr Patel only. */
  async function twoTypes() {
    const line = await clinicLine(db);
    const vaccination = await db.prisma.appointmentType.create({
      data: {
        clinicId: line.clinic.id,
        name: 'Vaccination',
        durationMinutes: 15,
        synonyms: ['jab', 'flu jab'],
        practitioners: { create: [{ practitionerId: line.patel.id }] },
      },
    });
    return { ...line, vaccination };
  }

  it.each([
    // what the caller says first, [any answer to a question before the offer], what the first time offered must be
    ["I'd like a check-up with Dr Khan on Friday afternoon", [], 'Dr Khan has Friday the 11th at midday'],
    ['can I see Dr Khan on Friday', [], 'Dr Khan has Friday the 11th at 9'],
    ['a check-up with doctor con tomorrow at half two', [], 'Dr Khan has tomorrow at quarter past 2, half past 2'],
    ['an appointment Tuesday week in the morning please', ['a check-up'], 'Dr Patel has Tuesday the 15th of June at 9'],
    ['something on the 14th after 3', ['check up please'], 'Dr Patel has Monday the 14th of June at 3'],
    ['I would like an appointment please', ['the first one'], 'Dr Patel has today at 11'],
    ['a jab on Thursday morning', [], 'Dr Patel has Thursday the 10th at 9'],
    ["I'd like an appointment on Friday morning", ['a vaccination please'], 'Dr Patel has Friday the 11th at 9'],
  ])('"%s" is offered in at most two questions', async (first, more, offered) => {
    const { caller } = await twoTypes();
    const c = caller('+447700900777');
    await c.dial();
    const asked = await questionsUntilOffer(c, [first, ...more]);
    expect(asked).toBeLessThanOrEqual(2);
    expect(c.heard()).toContain(offered);
  });

  it('the caller who pressed 9 seventeen times now says one sentence and chooses once', async () => {
    const { caller, patient, khan } = await clinicLine(db);
    const jane = caller();
    await jane.dial();
    await jane.say('I need a check-up with Dr Khan next Tuesday afternoon');
    expect(jane.heard()).toMatch(/^Dr Khan has Tuesday the 15th of June at midday, quarter past 12 or half past 12\./);
    await jane.say('the half past twelve one');
    await jane.say('yes');
    await jane.say('twenty third of april nineteen eighty');
    expect(jane.heard()).toBe(
      'To book a check-up with Dr Khan on Tuesday the 15th of June at half past 12 for Jane Doe, say yes or press 1. To choose another time, say no or press 2.',
    );
    await jane.say('yes please');
    expect(jane.heard()).toMatch(
      /^You're booked for a check-up with Dr Khan on Tuesday the 15th of June at half past 12\./,
    );
    expect(await db.prisma.appointment.findMany({ where: { patientId: patient.id } })).toEqual([
      expect.objectContaining({ practitionerId: khan.id, startsAt: new Date('2027-06-15T11:30:00Z') }),
    ]);
    // "Anything else?" — no.
    await jane.say("no that's everything thanks");
    expect(jane.heard()).toBe('Thank you for calling. Goodbye.');
    expect(jane.hungUp()).toBe(true);
  });

  it('when nothing fits, says so and offers the nearest', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.say('a check-up on Saturday morning');
    expect(c.heard()).toMatch(
      /^There is nothing free on Saturday the 12th in the morning\. The nearest: Dr Patel has Monday the 14th of June at 9/,
    );
    await c.say('with Dr Khan instead');
    expect(c.heard()).toMatch(
      /^Dr Khan has nothing free on Saturday the 12th in the morning\. The nearest: Dr Khan has Monday the 14th of June at 9/,
    );
  });

  it('at the times offered: later, a new day, silence and nonsense are all answered, and nothing is lost', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.press('1');
    const first = c.heard();
    await c.silence();
    expect(c.heard()).toBe(`Sorry, I didn't hear anything. ${first}`);
    // "Go back" from the times goes back to the question before them.
    await c.say('go back');
    expect(c.heard()).toMatch(/^How can I help\?/);
    const fresh = caller();
    await fresh.dial();
    await fresh.press('1');
    await fresh.say('purple elephants');
    expect(fresh.heard()).toBe(`Sorry, I didn't catch that. ${first}`);
    await fresh.press('7');
    expect(fresh.heard()).toContain("Sorry, I still didn't understand.");
    await c.dial();
    await c.press('1');
    await c.say('have you got anything later');
    expect(c.heard()).toMatch(
      /^Dr Patel has today at half past 11 or quarter to 12; Dr Khan has today at half past 11\./,
    );
    await c.say('what about wednesday');
    expect(c.heard()).toMatch(
      /^Dr Patel has Wednesday the 9th at 9 or quarter past 9; Dr Khan has Wednesday the 9th at 9\./,
    );
    await c.press('*');
    expect(c.heard()).toMatch(/^Dr Patel has Wednesday the 9th at 9/);
    await c.say('start again');
    expect(c.heard()).toMatch(/^How can I help\?/);
  });

  it('asks, keyed or spoken: the TwiML hears speech with the clinic’s names as hints in its language', async () => {
    const { caller } = await twoTypes();
    const c = caller();
    await c.dial();
    const gather = /<Gather ([^>]*)>/.exec(c.twiml)![1]!;
    expect(gather).toContain('input="dtmf speech"');
    expect(gather).toContain('language="en-GB"');
    expect(gather).toContain('speechModel="phone_call"');
    expect(gather).toMatch(/speechTimeout="\d+"/);
    const hints = /hints="([^"]*)"/.exec(gather)![1]!.split(', ');
    expect(hints).toEqual(expect.arrayContaining(['Dr Patel', 'Khan', 'Vaccination', 'jab', 'Check-up']));
    expect(hints.length).toBeLessThanOrEqual(500);
    expect(hints.every((h) => h.length <= 100)).toBe(true);
    // Every later question hears speech too.
    await c.say('a jab');
    expect(c.twiml).toContain('input="dtmf speech"');
  });

  it('an urgent phrase at any step: the emergency advice, then reception at once', async () => {
    const { caller, clinic } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.press('1');
    await c.say("my husband's got really bad chest pain");
    expect(c.heard()).toMatch(/^If this is an emergency, such as chest pain, .* call 999\..*NHS 111/);
    expect(c.dialled()).toBe('+441632960555');
    const call = await db.prisma.call.findUniqueOrThrow({ where: { callSid: c.sid } });
    expect(await db.prisma.callEvent.count({ where: { callId: call.id, kind: 'urgent' } })).toBe(1);
    expect(
      await db.prisma.auditEntry.count({ where: { clinicId: clinic.id, action: 'call.urgent_phrase_heard' } }),
    ).toBe(1);
    // Counted in the owner's statistics for the day.
    const report = await periodReport(db.prisma, clinic, '2027-06-07', '2027-06-07', MONDAY_9AM);
    expect(report.totals.urgent).toBe(1);
  });

  it('opening hours, asked in words, then anything else', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.say('what time do you close today');
    expect(c.heard()).toMatch(
      /^We're open now\. Reception is open Monday to Friday, half past 8 to 6\. Is there anything else/,
    );
  });

  it('a clinic that books nothing by phone says so once, and out of hours offers only a message', async () => {
    const { caller, checkUp } = await clinicLine(db, new Date('2027-06-12T10:00:00Z')); // Saturday
    await db.prisma.appointmentType.update({ where: { id: checkUp.id }, data: { phoneBookable: false } });
    const c = caller();
    await c.dial();
    await c.press('1');
    expect(c.heard()).toBe(
      "Sorry, appointments can't be booked by phone at this clinic. I'll put you through to reception. Reception is closed at the moment. We open again Monday the 14th of June at half past eight in the morning. To leave a message for the clinic, say message or press 1.",
    );
    await c.press('2'); // no booking to be had: asked once more, never looped
    expect(c.heard()).toBe(
      "Sorry, appointments can't be booked by phone at this clinic. To leave a message for the clinic, say message or press 1.",
    );
    await c.press('1');
    expect(c.recorder()).toBeDefined();
  });

  it('a move said in words: the day named finds the appointment, the new day is offered', async () => {
    const { caller, clinic, patel, patient, checkUp } = await clinicLine(db);
    await db.prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: patient.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-08T09:00:00Z'),
        endsAt: new Date('2027-06-08T09:30:00Z'),
        blockedUntil: new Date('2027-06-08T09:30:00Z'),
        source: 'dashboard',
      },
    });
    const jane = caller();
    await jane.dial();
    await jane.say("I can't make my appointment tomorrow, can I move it to Thursday afternoon");
    await jane.say('the twenty third of april 1980');
    expect(jane.heard()).toMatch(
      /^Your appointment is a check-up with Dr Patel tomorrow at 10\. Dr Patel has Thursday the 10th at midday/,
    );
  });
});

describe.each(databaseKinds())('Across a change of the clocks (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('"Monday at 10" on the Friday before British Summer Time is 10 o’clock BST', async () => {
    // Friday 26 March 2027, 09:00 GMT; the clocks go forward on Sunday the 28th.
    const { caller, patient } = await clinicLine(db, new Date('2027-03-26T09:00:00Z'));
    const jane = caller();
    await jane.dial();
    await jane.say('a check-up on Monday at 10 please');
    expect(jane.heard()).toMatch(
      /^Dr Patel has Monday the 29th at quarter to 10 or 10; Dr Khan has Monday the 29th at 10\./,
    );
    await jane.say('ten o clock with doctor patel');
    await jane.press('1');
    await jane.press('23041980');
    await jane.press('1');
    expect(await db.prisma.appointment.findMany({ where: { patientId: patient.id } })).toEqual([
      expect.objectContaining({ startsAt: new Date('2027-03-29T09:00:00Z') }),
    ]);
  });
});
