// Calls where the caller does more than one thing, changes their mind, or answers in
// ways the first version of the spoken line got wrong (found by review and by testing
// from outside): each case here once failed.
import { signedTwilioPost } from '../helpers/twilio.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Second thoughts on the phone (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('two new patients booked on one call each get their own record, and the second task starts afresh', async () => {
    const { caller, clinic } = await clinicLine(db);
    const c = caller('+447700900601');
    await c.dial();
    await c.say('a check-up with doctor khan tomorrow at 10');
    await c.say('ten o clock');
    await c.say("um it's for my daughter, her name's Zoë Clarke");
    expect(c.heard()).toMatch(/^I heard Zoë Clarke\./);
    await c.say('yes');
    await c.say('oh one oh two twenty fifteen');
    await c.say('yes');
    await c.say('yes please');
    expect(c.heard()).toMatch(/^You're booked for a check-up with Dr Khan tomorrow/);
    // "Anything else?" — another appointment, said without a doctor or a day: not tomorrow with Dr Khan again.
    await c.say('yes I need another appointment for my son');
    expect(c.heard()).toMatch(/^Dr Patel has today at 11/);
    await c.say('the first one');
    expect(c.heard()).toMatch(/^Is the appointment for someone already registered/);
    await c.say("no he's new");
    await c.say('it is for my son Oliver Clarke');
    await c.say('yes');
    await c.say('twenty three oh four twenty eighteen');
    await c.say('yes');
    await c.say('yes');
    expect(c.heard()).toMatch(/^You're booked/);
    const patients = await db.prisma.patient.findMany({
      where: { clinicId: clinic.id, phone: '+447700900601' },
      include: { appointments: true },
      orderBy: { name: 'asc' },
    });
    expect(patients.map((p) => [p.name, p.appointments.length])).toEqual([
      ['Oliver Clarke', 1],
      ['Zoë Clarke', 1],
    ]);
  });

  it('at the read-back: "yes, but with Dr Khan" is a change, not a yes; at the times, "eleven" is the 11 o\'clock', async () => {
    const { caller, clinic } = await clinicLine(db);
    const jane = caller();
    await jane.dial();
    await jane.press('1');
    await jane.say('eleven');
    expect(jane.heard()).toMatch(/^Which one would you like\?/); // Dr Patel and Dr Khan both have 11
    await jane.say('eleven with doctor patel');
    await jane.press('1');
    await jane.press('23041980');
    expect(jane.heard()).toMatch(/^To book a check-up with Dr Patel today at 11 for Jane Doe/);
    await jane.say('yes but can it be with doctor khan');
    expect(jane.heard()).toMatch(/^Dr Khan has today at 11/);
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(0);
  });

  it('an urgent phrase is heard at the questions about who the caller is, too', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.press('1');
    await c.press('1');
    await c.press('1');
    await c.press('01011990'); // nobody's
    expect(c.heard()).toMatch(/doesn't match anyone registered/);
    await c.say('sorry I have chest pain');
    expect(c.heard()).toMatch(/^If this is an emergency/);
  });

  it('silence at "which of the twins" asks the same question again; the booking is not lost', async () => {
    const { caller, clinic } = await clinicLine(db);
    await db.prisma.patient.createMany({
      data: ['Amy Doe', 'Ben Doe'].map((name) => ({
        clinicId: clinic.id,
        name,
        phone: '+447700900123',
        dateOfBirth: new Date('2015-02-14'),
      })),
    });
    const parent = caller();
    await parent.dial();
    await parent.press('1');
    await parent.press('1');
    await parent.press('1');
    await parent.say('fourteenth of february twenty fifteen');
    const asked = parent.heard();
    await parent.silence();
    expect(parent.heard()).toBe(`Sorry, I didn't hear anything. ${asked}`);
    await parent.say('Amy please');
    expect(parent.heard()).toContain('for Amy Doe, say yes or press 1');
  });

  it('three wrong dates of birth on a call are all it gets, even starting again between them', async () => {
    const { caller } = await clinicLine(db);
    const spoofer = caller();
    await spoofer.dial();
    for (const guess of ['01011990', '02021990']) {
      await spoofer.press('2');
      await spoofer.press(guess);
      await spoofer.say('start again');
    }
    await spoofer.press('2');
    await spoofer.press('03031990');
    expect(spoofer.heard()).toContain("Sorry, that doesn't match our records, so I'll put you through to reception.");
  });

  it('"cancel it" confirms a cancellation; a replay of the step after the call ended changes nothing', async () => {
    const line = await clinicLine(db);
    const make = () =>
      db.prisma.appointment.create({
        data: {
          clinicId: line.clinic.id,
          practitionerId: line.patel.id,
          patientId: line.patient.id,
          typeId: line.checkUp.id,
          startsAt: new Date('2027-06-09T09:00:00Z'),
          endsAt: new Date('2027-06-09T09:30:00Z'),
          blockedUntil: new Date('2027-06-09T09:30:00Z'),
          source: 'dashboard',
        },
      });
    const first = await make();
    const jane = line.caller();
    await jane.dial();
    await jane.say('I need to cancel my appointment on Wednesday');
    await jane.say('twenty three oh four nineteen eighty');
    expect(jane.heard()).toMatch(/^To cancel a check-up with Dr Patel on Wednesday the 9th at 10, say yes/);
    await jane.say('cancel it please');
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: first.id } })).status).toBe('cancelled');

    // A second appointment, and a call that ends at the question: the request replayed later cancels nothing.
    await db.prisma.appointment.delete({ where: { id: first.id } });
    const second = await make();
    const later = line.caller();
    await later.dial();
    await later.press('2');
    await later.press('23041980');
    await later.press('1');
    const cancelUrl = later.gatherAction();
    await signedTwilioPost(line.app, '/twilio/status', {
      AccountSid: ACCOUNT,
      CallSid: later.sid,
      CallStatus: 'completed',
      CallDuration: '40',
      From: '+447700900123',
      To: line.clinic.numbers[0]!,
    });
    await later.repeatLast(cancelUrl, { Digits: '1' });
    expect(later.heard()).toBe('Thank you for calling. Goodbye.');
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('booked');
  });
});
