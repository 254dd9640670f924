import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Changing or cancelling by phone (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  /** Jane Doe (born 23 April 1980) has a check-up with Dr Patel on Wednesday at 10:00. */
  async function janeHasAnAppointment() {
    const line = await clinicLine(db);
    const appointment = await db.prisma.appointment.create({
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
    return { ...line, appointment };
  }

  it('Jane cancels after keying her date of birth; nothing is read out before', async () => {
    const { caller, appointment } = await janeHasAnAppointment();
    const jane = caller();
    await jane.dial();
    await jane.press('2');
    expect(jane.heard()).toBe(
      "Please say the patient's date of birth, or key it as eight digits: day, month and year, for example 2 3 0 4 1 9 8 0.",
    );
    await jane.press('23041980');
    expect(jane.heard()).toBe(
      'Your appointment is a check-up with Dr Patel on Wednesday the 9th at 10. To cancel it, say cancel or press 1. To move it to another time, say move, or press 2.',
    );
    await jane.press('1');
    expect(jane.heard()).toBe(
      'To cancel a check-up with Dr Patel on Wednesday the 9th at 10, say yes or press 1. To keep it, say no or press 2.',
    );
    await jane.press('1');
    expect(jane.heard()).toMatch(
      /^A check-up with Dr Patel on Wednesday the 9th at 10 is cancelled\. Is there anything else/,
    );
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe('cancelled');
    expect((await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } })).outcome).toBe('cancelled');
  });

  it('three wrong dates of birth: put through to reception, the appointment never mentioned', async () => {
    const { caller } = await janeHasAnAppointment();
    const impostor = caller();
    await impostor.dial();
    await impostor.press('2');
    await impostor.press('01011990');
    expect(impostor.heard()).toContain("Sorry, that doesn't match our records.");
    await impostor.press('02021990');
    await impostor.press('03031990');
    expect(impostor.heard()).toContain("Sorry, that doesn't match our records, so I'll put you through to reception.");
    expect(impostor.heard()).not.toMatch(/Patel|June/);
    expect(impostor.dialled()).toBe('+441632960555');
  });

  it('Jane moves her appointment to the first free time offered', async () => {
    const { caller, appointment, patel } = await janeHasAnAppointment();
    const jane = caller();
    await jane.dial();
    await jane.say('I want to move my appointment');
    await jane.press('23041980');
    // She said "move": the times come straight after her date of birth.
    expect(jane.heard()).toMatch(
      /^Your appointment is a check-up with Dr Patel on Wednesday the 9th at 10\. Dr Patel has today at 11 or quarter past 11; Dr Khan has today at 11\./,
    );
    await jane.press('1');
    expect(jane.heard()).toBe(
      'To move your appointment to today at 11 with Dr Patel, say yes or press 1. To keep it where it is, say no or press 2.',
    );
    await jane.say('yes');
    expect(jane.heard()).toMatch(
      /^Your appointment is now a check-up with Dr Patel today at 11\. Is there anything else/,
    );
    expect(await db.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).toMatchObject({
      practitionerId: patel.id,
      startsAt: new Date('2027-06-07T10:00:00Z'),
      status: 'booked',
    });
  });

  it('a family number: no name is said; the date of birth keyed says whose appointments these are', async () => {
    const { caller, clinic } = await janeHasAnAppointment();
    await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'John Doe', phone: '+447700900123', dateOfBirth: new Date('2010-09-01') },
    });
    const parent = caller();
    await parent.dial();
    await parent.press('2');
    expect(parent.heard()).toBe(
      "Please say the patient's date of birth, or key it as eight digits: day, month and year, for example 2 3 0 4 1 9 8 0.",
    );
    await parent.press('01092010'); // John's
    expect(parent.heard()).toContain('There are no upcoming appointments booked.');
    const again = caller();
    await again.dial();
    await again.press('2');
    await again.press('23041980'); // Jane's
    expect(again.heard()).toMatch(/^Your appointment is a check-up with Dr Patel on Wednesday the 9th at 10\./);
  });

  it('twins share a date of birth: only after it is keyed are their two names offered', async () => {
    const { caller, clinic } = await janeHasAnAppointment();
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
    await parent.press('2');
    await parent.press('14022015');
    expect(parent.heard()).toBe(
      'Whose appointment is it? Say their first name, or: For Amy Doe, press 1. For Ben Doe, press 2.',
    );
    await parent.press('1');
    expect(parent.heard()).toContain('There are no upcoming appointments booked.');
  });

  it('a number with no patients goes to reception', async () => {
    const { caller } = await janeHasAnAppointment();
    const stranger = caller('+447700900999');
    await stranger.dial();
    await stranger.press('2');
    expect(stranger.heard()).toContain("I can't find any appointments for the number you're calling from");
    expect(stranger.dialled()).toBe('+441632960555');
  });
});
