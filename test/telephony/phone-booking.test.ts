import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { clinicLine } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Calling the clinic (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('Jane, a known caller, books the first free time with Dr Patel by keypad', async () => {
    const { caller, patient, patel } = await clinicLine(db);
    const jane = caller('+447700900123');
    await jane.dial();
    expect(jane.heard()).toContain(
      'Or press 1 to book, 2 to change or cancel an appointment, or 3 to speak to reception.',
    );
    await jane.press('1');
    expect(jane.heard()).toBe(
      'Dr Patel has today at 11 or quarter past 11; Dr Khan has today at 11. ' +
        'To take one, say the time, or press 1, 2 or 3 in that order. For later times, press 9, or say another day or time.',
    );
    await jane.press('1');
    // Her number is known, but caller ID can be spoofed: no name until her date of birth is keyed.
    expect(jane.heard()).toBe(
      'Is the appointment for someone already registered with us? Say yes or press 1. For someone new, say new or press 2.',
    );
    await jane.press('1');
    expect(jane.heard()).toBe(
      "Please say the patient's date of birth, or key it as eight digits: day, month and year, for example 2 3 0 4 1 9 8 0.",
    );
    await jane.press('23041980');
    expect(jane.heard()).toBe(
      'To book a check-up with Dr Patel today at 11 for Jane Doe, say yes or press 1. To choose another time, say no or press 2.',
    );
    const confirmUrl = jane.gatherAction();
    await jane.press('1');
    expect(jane.heard()).toBe(
      "You're booked for a check-up with Dr Patel today, Monday the 7th of June at 11. " +
        'Is there anything else I can help with? Tell me, or press 1 to book, 2 to change or cancel, 3 for reception. If not, say no, or just hang up.',
    );
    expect(jane.hungUp()).toBe(false);
    const booked = await db.prisma.appointment.findMany({ where: { patientId: patient.id } });
    expect(booked).toEqual([
      expect.objectContaining({
        practitionerId: patel.id,
        startsAt: new Date('2027-06-07T10:00:00Z'),
        source: 'phone',
      }),
    ]);
    expect((await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } })).outcome).toBe('booked');

    // Twilio repeats the confirmation: the booking stands once, and the caller hears the same.
    await jane.repeatLast(confirmUrl, { Digits: '1' });
    expect(jane.heard()).toContain("You're booked for");
    expect(await db.prisma.appointment.count({ where: { patientId: patient.id } })).toBe(1);
  });

  it('a new caller says their name and keys their date of birth, hears them back, and is booked', async () => {
    const { caller, clinic } = await clinicLine(db);
    const john = caller('+447700900888');
    await john.dial();
    await john.say('I want to book an appointment');
    await john.press('9'); // later times
    expect(john.heard()).toMatch(
      /^Dr Patel has today at half past 11 or quarter to 12; Dr Khan has today at half past 11\./,
    );
    await john.press('2');
    expect(john.heard()).toBe("Please say the patient's full name.");
    await john.say('John Smith.');
    expect(john.heard()).toContain('I heard John Smith.');
    await john.press('1');
    await john.press('3101197'); // seven digits: not a date
    expect(john.heard()).toContain("Sorry, that isn't a date of birth I can use.");
    await john.press('31011975');
    expect(john.heard()).toBe(
      "That's the 31st of January 1975. Is that right? Say yes or press 1. To give it again, say no or press 2.",
    );
    await john.press('2');
    await john.press('31011975');
    await john.press('1');
    expect(john.heard()).toContain('for John Smith, say yes or press 1');
    await john.say('yes please');
    expect(john.heard()).toContain(
      "You're booked for a check-up with Dr Patel today, Monday the 7th of June at quarter to 12.",
    );
    const patient = await db.prisma.patient.findFirstOrThrow({ where: { clinicId: clinic.id, name: 'John Smith' } });
    expect(patient).toMatchObject({ phone: '+447700900888', dateOfBirth: new Date('1975-01-31') });
    expect(await db.prisma.appointment.count({ where: { patientId: patient.id, status: 'booked' } })).toBe(1);
  });

  it('loses the race: the time is taken while the caller decides, so they hear an apology and other times', async () => {
    const { caller, patient, patel, checkUp, clinic } = await clinicLine(db);
    const jane = caller('+447700900123');
    await jane.dial();
    await jane.press('1');
    await jane.press('1');
    await jane.press('1');
    await jane.press('23041980');
    // Meanwhile a receptionist books Dr Patel's 11:00 for someone else.
    const other = await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Walk In' } });
    await db.prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: other.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-07T10:00:00Z'),
        endsAt: new Date('2027-06-07T10:30:00Z'),
        blockedUntil: new Date('2027-06-07T10:30:00Z'),
        source: 'dashboard',
      },
    });
    await jane.press('1');
    expect(jane.heard()).toMatch(/^Sorry, that time was taken a moment ago\. Dr Khan has today at 11/);
    expect(await db.prisma.appointment.count({ where: { patientId: patient.id } })).toBe(0);
  });

  it('two patients on one number: the date of birth keyed says who the appointment is for', async () => {
    const { caller, clinic } = await clinicLine(db);
    const john = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'John Doe', phone: '+447700900123', dateOfBirth: new Date('2010-09-01') },
    });
    const parent = caller('+447700900123');
    await parent.dial();
    await parent.press('1');
    await parent.press('1');
    await parent.press('1'); // someone registered
    await parent.press('01092010');
    expect(parent.heard()).toContain('for John Doe, say yes or press 1');
    await parent.press('1');
    expect(await db.prisma.appointment.count({ where: { patientId: john.id } })).toBe(1);
  });

  it('twins on one number share a date of birth: only then are names offered, and only theirs', async () => {
    const { caller, clinic } = await clinicLine(db);
    const [amy, ben] = await Promise.all(
      ['Amy Doe', 'Ben Doe'].map((name) =>
        db.prisma.patient.create({
          data: { clinicId: clinic.id, name, phone: '+447700900123', dateOfBirth: new Date('2015-02-14') },
        }),
      ),
    );
    const parent = caller('+447700900123');
    await parent.dial();
    await parent.press('1');
    await parent.press('1');
    await parent.press('1');
    await parent.press('14022015');
    expect(parent.heard()).toBe(
      'Who is the appointment for? Say their first name, or: For Amy Doe, press 1. For Ben Doe, press 2.',
    );
    await parent.say('Ben');
    expect(parent.heard()).toContain('for Ben Doe, say yes or press 1');
    await parent.press('1');
    expect(await db.prisma.appointment.count({ where: { patientId: ben!.id } })).toBe(1);
    expect(await db.prisma.appointment.count({ where: { patientId: amy!.id } })).toBe(0);
  });

  it("a spoofed caller ID hears no name and cannot book in the patients' names without their date of birth", async () => {
    const { caller, clinic, patient } = await clinicLine(db);
    await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'John Doe', phone: '+447700900123', dateOfBirth: new Date('2010-09-01') },
    });
    const spoofer = caller('+447700900123');
    await spoofer.dial();
    const heard: string[] = [spoofer.heard()];
    for (const keys of ['1', '1', '1', '01011990']) {
      await spoofer.press(keys);
      heard.push(spoofer.heard());
    }
    expect(spoofer.heard()).toBe(
      "Sorry, that date of birth doesn't match anyone registered on this number. To try it again, say again or press 1. To book for someone new, say new or press 2.",
    );
    for (const guess of ['02021990', '03031990']) {
      await spoofer.press('1');
      heard.push(spoofer.heard());
      await spoofer.press(guess);
      heard.push(spoofer.heard());
    }
    expect(spoofer.heard()).toContain("Sorry, that doesn't match our records, so I'll put you through to reception.");
    expect(heard.join(' ')).not.toMatch(/Jane|John|Doe/);
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(0);
    // Nor by replaying the confirmation step's address with her id in it: that needs her date of birth on this call.
    const sneaky = caller('+447700900123');
    await sneaky.dial();
    await sneaky.press('1');
    const slotAction = new URL(sneaky.gatherAction());
    const slot = slotAction.searchParams.get('s1')!;
    const confirm = `/twilio/book/confirm?${new URLSearchParams({ call: slotAction.searchParams.get('call')!, type: slotAction.searchParams.get('type')!, slot, patient: patient.id })}`;
    await sneaky.repeatLast(confirm, { Digits: '1' });
    expect(sneaky.heard()).toBe(
      'Is the appointment for someone already registered with us? Say yes or press 1. For someone new, say new or press 2.',
    );
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(0);
  });

  it('out of hours: reception is closed and says when it opens; a message or booking still work', async () => {
    const { caller } = await clinicLine(db, new Date('2027-06-12T10:00:00Z')); // Saturday
    const c = caller();
    await c.dial();
    await c.press('3');
    expect(c.heard()).toBe(
      'Reception is closed at the moment. We open again Monday the 14th of June at half past eight in the morning. To leave a message for the clinic, say message or press 1. To book an appointment, say book or press 2.',
    );
    expect(c.dialled()).toBeUndefined();
    const message = caller();
    await message.dial();
    await message.press('3');
    await message.press('1');
    expect(message.recorder()).toBeDefined();
    await c.press('2');
    expect(c.heard()).toContain('Dr Patel has Monday the 14th at 9 or quarter past 9');
    const quiet = caller();
    await quiet.dial();
    await quiet.press('3');
    await quiet.silence();
    expect(quiet.heard()).toMatch(/^Sorry, I didn't hear anything\. To leave a message for the clinic/);
    await quiet.silence();
    expect(quiet.heard()).toBe('Thank you for calling. Goodbye.');
    expect((await db.prisma.call.findUniqueOrThrow({ where: { callSid: quiet.sid } })).outcome).toBe('out_of_hours');
  });

  it('in hours, reception is put through; two answers not understood, or two silences, end there', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.press('3');
    expect(c.dialled()).toBe('+441632960555');
    const muddled = caller();
    await muddled.dial();
    await muddled.press('7');
    expect(muddled.heard()).toBe("Sorry, I didn't catch that. Say book, change, or reception. Or press 1, 2 or 3.");
    await muddled.say('banana');
    expect(muddled.heard()).toContain("Sorry, I still didn't understand. Putting you through to reception now.");
    expect(muddled.dialled()).toBe('+441632960555');
    // One silence is asked again, more briefly; a second goes to a person.
    const silent = caller();
    await silent.dial();
    await silent.silence();
    expect(silent.heard()).toBe("Sorry, I didn't hear anything. Say book, change, or reception. Or press 1, 2 or 3.");
    await silent.silence();
    expect(silent.dialled()).toBe('+441632960555');
    // Ringing the desk: not yet answered, so the call log says nothing has happened yet.
    expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: silent.sid } })).toMatchObject({
      queueStatus: 'desk',
      outcome: null,
    });
  });

  it('in hours with nobody in the browser and no desk phone: said plainly, and voicemail', async () => {
    const { caller, clinic } = await clinicLine(db);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { receptionNumber: null, fallbackNumber: null } });
    const c = caller();
    await c.dial();
    await c.press('3');
    expect(c.heard()).toMatch(
      /^Sorry, nobody at reception can take your call just now. Please leave your name, your number and a short message after the tone/,
    );
    expect(c.dialled()).toBeUndefined();
    expect(c.recorder()).toBeDefined();
  });

  it('the desk phone not answering sends the caller to voicemail', async () => {
    const { caller } = await clinicLine(db);
    const c = caller();
    await c.dial();
    await c.press('3');
    expect(c.dialled()).toBe('+441632960555');
    await c.dialEnded('no-answer', 0);
    expect(c.heard()).toMatch(/^Sorry, nobody at reception could answer/);
    expect(c.recorder()).toBeDefined();
  });
});
