import { bookAppointment, cancelAppointment, moveAppointment } from '../../src/diary/booking.js';
import type { AppEvent } from '../../src/core/events.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

// Monday 7 June 2027, 08:00 in London (BST).
const MONDAY_8AM = new Date('2027-06-07T07:00:00Z');
const at = (hhmm: string, day = '2027-06-07') => new Date(`${day}T${hhmm}:00+01:00`).toISOString();

describe.each(databaseKinds())('Booking on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  async function receptionistDesk() {
    const diary = await makeDiary(db.prisma);
    const clock = testClock(MONDAY_8AM);
    const testApp = makeTestApp(db, { clock });
    const events: AppEvent[] = [];
    testApp.ctx.events.subscribe((e) => events.push(e));
    const desk = browserAgent(testApp.app);
    await desk.signIn(await makeStaff(db.prisma, diary.clinic.id, 'receptionist'));
    const base = `/api/clinics/${diary.clinic.id}`;
    const book = (startsAt: string, practitionerId = diary.patel.id, patientId = diary.patient.id) =>
      desk.send('post', `${base}/appointments`, { patientId, practitionerId, typeId: diary.checkUp.id, startsAt });
    return { ...diary, desk, base, book, events, clock, testApp };
  }

  it('the exclusion constraint exists after all migrations', async () => {
    const rows = await db.prisma.$queryRaw<
      Array<{ conname: string }>
    >`SELECT conname FROM pg_constraint WHERE conname = 'Appointment_no_overlap' AND contype = 'x'`;
    expect(rows).toHaveLength(1);
  });

  it('a receptionist books the 10:30 with Dr Patel; the diary shows it and appointment.booked is published', async () => {
    const { book, base, desk, events, patel, patient, clinic } = await receptionistDesk();
    const res = await book(at('10:30'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      practitionerId: patel.id,
      patientId: patient.id,
      startsAt: '2027-06-07T09:30:00.000Z',
      endsAt: '2027-06-07T10:00:00.000Z',
      status: 'booked',
    });
    expect(events).toEqual([
      expect.objectContaining({
        name: 'appointment.booked',
        clinicId: clinic.id,
        data: expect.objectContaining({ source: 'dashboard' }),
      }),
    ]);
    const diary = await desk.get(`${base}/diary?date=2027-06-07`);
    expect(diary.body.appointments).toEqual([
      expect.objectContaining({
        id: res.body.id,
        patient: { id: patient.id, name: 'Jane Doe' },
        practitioner: { id: patel.id, name: 'Anita Patel' },
      }),
    ]);
    // The week view from a Thursday runs Monday to Monday, in local time.
    const week = await desk.get(`${base}/diary?date=2027-06-10&view=week&practitionerId=${patel.id}`);
    expect(week.body).toMatchObject({
      timeZone: 'Europe/London',
      from: '2027-06-07T00:00:00.000+01:00',
      to: '2027-06-14T00:00:00.000+01:00',
    });
    expect(week.body.appointments.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    const otherDay = await desk.get(`${base}/diary?date=2027-06-08`);
    expect(otherDay.body.appointments).toEqual([]);
  });

  it('50 receptionists booking the same slot at once: exactly one gets it, 49 hear 409 with the next free times, one row', async () => {
    const { book, patel } = await receptionistDesk();
    const results = await Promise.all(Array.from({ length: 50 }, () => book(at('11:00'))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: 'slot_taken', field: 'startsAt' });
    expect(refused.body.error.alternatives).toHaveLength(3);
    expect(refused.body.error.alternatives.map((s: { startsAt: string }) => s.startsAt)).not.toContain(
      '2027-06-07T10:00:00.000Z',
    );
    expect(
      await db.prisma.appointment.count({ where: { practitionerId: patel.id, startsAt: new Date(at('11:00')) } }),
    ).toBe(1);
  });

  it('what must go with a booking, move or cancellation (the call that made it) commits with it or not at all', async () => {
    const { clinic, patel, checkUp, patient, events, testApp } = await receptionistDesk();
    const deps = testApp.ctx;
    const actor = { type: 'system' as const };
    const failing = async () => {
      throw new Error('the process died here');
    };
    const booking = {
      clinicId: clinic.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      patientId: patient.id,
      startsAt: new Date(at('11:00')),
      source: 'phone' as const,
      actor,
    };
    await expect(bookAppointment(deps, { ...booking, alongWith: failing })).rejects.toThrow('the process died here');
    const leftovers = async () => ({
      appointments: await db.prisma.appointment.count({ where: { clinicId: clinic.id } }),
      audit: await db.prisma.auditEntry.count({
        where: { clinicId: clinic.id, action: { startsWith: 'appointment.' } },
      }),
      texts: await db.prisma.textMessage.count({ where: { clinicId: clinic.id } }),
    });
    expect(await leftovers()).toEqual({ appointments: 0, audit: 0, texts: 0 });
    expect(events.filter((e) => e.name.startsWith('appointment.'))).toEqual([]);

    const seen: string[] = [];
    const booked = await bookAppointment(deps, {
      ...booking,
      alongWith: async (tx, a) => void seen.push(`${a.id}:${await tx.appointment.count({ where: { id: a.id } })}`),
    });
    expect(seen).toEqual([`${booked.id}:1`]); // it runs inside the transaction, the new row visible
    const before = await db.prisma.appointment.findUniqueOrThrow({ where: { id: booked.id } });
    await expect(
      moveAppointment(deps, {
        clinicId: clinic.id,
        appointmentId: booked.id,
        startsAt: new Date(at('14:00')),
        source: 'phone',
        actor,
        alongWith: failing,
      }),
    ).rejects.toThrow();
    await expect(
      cancelAppointment(deps, { clinicId: clinic.id, appointmentId: booked.id, actor, alongWith: failing }),
    ).rejects.toThrow();
    expect(await db.prisma.appointment.findUniqueOrThrow({ where: { id: booked.id } })).toEqual(before);
    expect(
      await db.prisma.auditEntry.count({
        where: { clinicId: clinic.id, action: { in: ['appointment.moved', 'appointment.cancelled'] } },
      }),
    ).toBe(0);
  });

  it('an overlapping booking is refused, an adjacent one is fine', async () => {
    const { book } = await receptionistDesk();
    expect((await book(at('13:00'))).status).toBe(201);
    expect((await book(at('13:15'))).status).toBe(409);
    expect((await book(at('13:30'))).status).toBe(201);
  });

  it('a move that collides leaves the original appointment where it was', async () => {
    const { book, desk, base, events } = await receptionistDesk();
    const first = (await book(at('14:00'))).body;
    const second = (await book(at('15:00'))).body;
    events.length = 0;
    const move = await desk.send('post', `${base}/appointments/${second.id}/move`, { startsAt: at('14:00') });
    expect(move.status).toBe(409);
    const still = await db.prisma.appointment.findUniqueOrThrow({ where: { id: second.id } });
    expect(still.startsAt.toISOString()).toBe(second.startsAt);
    expect(still.status).toBe('booked');
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: first.id } })).startsAt.toISOString()).toBe(
      first.startsAt,
    );
    expect(events).toEqual([]);
  });

  it('moving to another practitioner and a later time frees the old slot; moving by 15 minutes over itself works', async () => {
    const { book, desk, base, khan, events } = await receptionistDesk();
    const a = (await book(at('09:00'))).body;
    const nudged = await desk.send('post', `${base}/appointments/${a.id}/move`, { startsAt: at('09:15') });
    expect(nudged.status).toBe(200);
    const moved = await desk.send('post', `${base}/appointments/${a.id}/move`, {
      startsAt: at('16:00'),
      practitionerId: khan.id,
    });
    expect(moved.body).toMatchObject({ practitionerId: khan.id, startsAt: '2027-06-07T15:00:00.000Z' });
    expect(events.map((e) => e.name)).toEqual(['appointment.booked', 'appointment.moved', 'appointment.moved']);
    expect((await book(at('09:15'))).status).toBe(201); // the old slot is free again
  });

  it('cancelling records who and why, frees the time, publishes appointment.cancelled and offers the time to the waitlist', async () => {
    const { book, desk, base, events, patient, clinic, checkUp, patel, testApp, clock } = await receptionistDesk();
    const appt = (await book(at('12:00'))).body;
    const waiting = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Sam Waiting', phone: '+447700900777' },
    });
    const entry = await desk.send('post', `${base}/waitlist`, {
      patientId: waiting.id,
      typeId: checkUp.id,
      practitionerId: patel.id,
      fromDate: '2027-06-07',
      toDate: '2027-06-11',
    });
    expect(entry.status).toBe(201);
    const res = await desk.send('post', `${base}/appointments/${appt.id}/cancel`, { reason: 'Patient is unwell' });
    expect(res.body.status).toBe('cancelled');
    const row = await db.prisma.appointment.findUniqueOrThrow({ where: { id: appt.id } });
    expect(row).toMatchObject({ cancelReason: 'Patient is unwell', cancelledBy: expect.any(String) });
    // The offer is a job queued with the cancellation (a crash after the commit cannot lose it).
    expect(events.map((e) => e.name)).toEqual(['appointment.booked', 'appointment.cancelled']);
    expect(
      await new JobRunner(db, jobHandlers(testApp.ctx), { logger: testApp.ctx.logger, clock }).runDue(),
    ).toBeGreaterThanOrEqual(1);
    expect(events.map((e) => e.name)).toEqual(['appointment.booked', 'appointment.cancelled', 'waitlist.match']);
    expect(events[2]!.data).toMatchObject({
      waitlistEntryId: entry.body.id,
      patientId: waiting.id,
      patientName: 'Sam Waiting',
      slot: { startsAt: '2027-06-07T11:00:00.000Z' },
    });
    expect((await book(at('12:00'), patel.id, patient.id)).status).toBe(201);
    expect((await desk.send('post', `${base}/appointments/${appt.id}/cancel`, {})).status).toBe(409); // already cancelled
  });

  it('marks attendance only once the appointment has started; a mistaken mark can be corrected, a cancelled one not', async () => {
    const { book, desk, base, clock } = await receptionistDesk();
    const appt = (await book(at('09:30'))).body;
    expect((await desk.send('post', `${base}/appointments/${appt.id}/attendance`, { status: 'attended' })).status).toBe(
      409,
    );
    clock.advance(2 * 60 * 60 * 1000);
    const res = await desk.send('post', `${base}/appointments/${appt.id}/attendance`, { status: 'no_show' });
    expect(res.body.status).toBe('no_show');
    // Marked by mistake: corrected.
    const corrected = await desk.send('post', `${base}/appointments/${appt.id}/attendance`, { status: 'attended' });
    expect(corrected.body.status).toBe('attended');
    // A cancelled appointment cannot be marked.
    const other = (await book(at('11:00'))).body;
    await desk.send('post', `${base}/appointments/${other.id}/cancel`, {});
    clock.advance(2 * 60 * 60 * 1000);
    const refused = await desk.send('post', `${base}/appointments/${other.id}/attendance`, { status: 'attended' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_booked');
  });

  it("booking another clinic's practitioner tells nothing about their diary: the same 404 whether they are busy then or not", async () => {
    const { book, ...mine } = await receptionistDesk();
    const theirs = await makeDiary(db.prisma);
    await bookAppointment(
      { ...mine.testApp.ctx, clock: () => MONDAY_8AM },
      {
        clinicId: theirs.clinic.id,
        practitionerId: theirs.patel.id,
        typeId: theirs.checkUp.id,
        patientId: theirs.patient.id,
        startsAt: new Date(at('10:30')),
        source: 'dashboard',
        actor: { type: 'system' },
      },
    );
    const busy = await book(at('10:30'), theirs.patel.id);
    const free = await book(at('11:30'), theirs.patel.id);
    expect(busy.status).toBe(404);
    expect(busy.body).toEqual(free.body);
    expect(await db.prisma.appointment.count({ where: { clinicId: mine.clinic.id } })).toBe(0);
  });

  it('refuses times outside hours or off the grid with 422, and bad input with 400 naming the field', async () => {
    const { book, desk, base } = await receptionistDesk();
    expect((await book(at('18:00'))).body.error).toMatchObject({ code: 'not_bookable', field: 'startsAt' });
    expect((await book(at('10:10'))).status).toBe(422);
    expect((await book(at('10:00', '2027-06-12'))).status).toBe(422); // a Saturday
    const malformed = await book('tomorrow at ten');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('startsAt');
    const badDiary = await desk.get(`${base}/diary?date=2027-13-45`);
    expect(badDiary.status).toBe(400);
    expect(badDiary.body.error.field).toBe('date');
  });

  it('free slots skip booked times and clinic closures', async () => {
    const { book, desk, base, checkUp, patel, clinic } = await receptionistDesk();
    await book(at('09:00'));
    await db.prisma.closure.create({
      data: {
        clinicId: clinic.id,
        startsAt: new Date(at('09:30')),
        endsAt: new Date(at('10:30')),
        reason: 'Staff training',
      },
    });
    const res = await desk.get(`${base}/slots?typeId=${checkUp.id}&practitionerId=${patel.id}&limit=2`);
    expect(res.body.slots.map((s: { startsAt: string }) => s.startsAt)).toEqual([
      '2027-06-07T09:30:00.000Z',
      '2027-06-07T09:45:00.000Z',
    ]);
  });
});

describe("Diary set-up is the owner's", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('a receptionist cannot change hours, types, closures or rules (403); the owner can', async () => {
    const { clinic, patel, checkUp } = await makeDiary(db.prisma);
    const base = `/api/clinics/${clinic.id}`;
    const { app } = makeTestApp(db);
    const receptionist = browserAgent(app);
    await receptionist.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    const hours = { hours: [{ weekday: 1, start: '08:00', end: '12:00' }] };
    const attempts = [
      receptionist.send('put', `${base}/practitioners/${patel.id}/hours`, hours),
      receptionist.send('patch', `${base}/appointment-types/${checkUp.id}`, { durationMinutes: 45 }),
      receptionist.send('post', `${base}/practitioners`, { name: 'Dr Who' }),
      receptionist.send('post', `${base}/closures`, {
        startsAt: '2027-12-25T00:00:00Z',
        endsAt: '2027-12-26T00:00:00Z',
      }),
      receptionist.send('patch', `${base}/booking-rules`, { horizonDays: 30 }),
      receptionist.send('put', `${base}/opening-hours`, hours),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    expect((await receptionist.get(`${base}/practitioners`)).status).toBe(200);

    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const changed = await owner.send('put', `${base}/practitioners/${patel.id}/hours`, {
      hours: [
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:30' },
      ],
    });
    expect(changed.body.hours).toEqual([
      { weekday: 1, start: '08:00', end: '12:00' },
      { weekday: 1, start: '13:00', end: '17:30' },
    ]);
    const type = await owner.send('patch', `${base}/appointment-types/${checkUp.id}`, { durationMinutes: 45 });
    expect(type.body).toMatchObject({
      durationMinutes: 45,
      name: 'Check-up',
      practitionerIds: expect.arrayContaining([patel.id]),
    });
    expect((await owner.send('patch', `${base}/booking-rules`, { minNoticeMinutes: 60 })).body).toEqual({
      minNoticeMinutes: 60,
      horizonDays: 90,
    });
  });

  it("an unknown id and another clinic's id get the same 404", async () => {
    const mine = await makeDiary(db.prisma);
    const theirs = await makeDiary(db.prisma);
    const owner = browserAgent(makeTestApp(db).app);
    await owner.signIn(await makeStaff(db.prisma, mine.clinic.id, 'owner'));
    const base = `/api/clinics/${mine.clinic.id}`;
    const hours = { hours: [{ weekday: 1, start: '08:00', end: '12:00' }] };
    const other = await owner.send('put', `${base}/practitioners/${theirs.patel.id}/hours`, hours);
    const unknown = await owner.send('put', `${base}/practitioners/00000000-0000-4000-8000-000000000000/hours`, hours);
    expect(other.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
    const otherAppt = await owner.send('post', `${base}/appointments/${theirs.patient.id}/cancel`, {});
    expect(otherAppt.status).toBe(404);
    const otherPatient = await owner.get(`${base}/patients/${theirs.patient.id}`);
    expect(otherPatient.status).toBe(404);
  });

  it('bad set-up input gets 400 naming the field: end before start, overlapping ranges, malformed dates', async () => {
    const { clinic, patel } = await makeDiary(db.prisma);
    const owner = browserAgent(makeTestApp(db).app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const base = `/api/clinics/${clinic.id}`;
    const backwards = await owner.send('put', `${base}/practitioners/${patel.id}/hours`, {
      hours: [{ weekday: 1, start: '12:00', end: '09:00' }],
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('hours.0.end');
    // In the screen's words: the hours editor labels it "Monday closes".
    expect(backwards.body.error.message).toBe('Monday closes: must be after start');
    const overlapping = await owner.send('put', `${base}/practitioners/${patel.id}/hours`, {
      hours: [
        { weekday: 2, start: '09:00', end: '12:00' },
        { weekday: 2, start: '11:00', end: '13:00' },
      ],
    });
    expect(overlapping.body.error.field).toBe('hours.1.start');
    expect(overlapping.body.error.message).toMatch(/^Tuesday opens: overlaps/);
    const closure = await owner.send('post', `${base}/closures`, {
      startsAt: '2027-12-26T00:00:00Z',
      endsAt: '2027-12-25T00:00:00Z',
    });
    expect(closure.body.error).toMatchObject({ field: 'endsAt', message: 'Until: must be after From' });
    // A closure wholly in the past would be "added" and never shown: refused.
    const past = await owner.send('post', `${base}/closures`, {
      startsAt: '2020-12-25T00:00:00Z',
      endsAt: '2020-12-26T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({
      field: 'endsAt',
      message: expect.stringMatching(/^Until: is in the past/),
    });
    const malformed = await owner.send('post', `${base}/closures`, {
      startsAt: '25/12/2027',
      endsAt: '2027-12-26T00:00:00Z',
    });
    expect(malformed.body.error.field).toBe('startsAt');
    const badType = await owner.send('post', `${base}/appointment-types`, { name: 'X', durationMinutes: 7 });
    expect(badType.body.error).toMatchObject({ field: 'durationMinutes', message: 'Minutes: must be a multiple of 5' });
    // Nothing changed.
    expect(await db.prisma.workingHours.count({ where: { practitionerId: patel.id } })).toBe(5);
    expect(await db.prisma.closure.count({ where: { clinicId: clinic.id } })).toBe(0);
  });

  it('patients are found by name or by number however it is written, and belong to one clinic', async () => {
    const { clinic } = await makeDiary(db.prisma);
    const other = await makeClinic(db.prisma);
    await db.prisma.patient.create({ data: { clinicId: other.id, name: 'Jane Elsewhere', phone: '+447700900123' } });
    const desk = browserAgent(makeTestApp(db).app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    const base = `/api/clinics/${clinic.id}`;
    const created = await desk.send('post', `${base}/patients`, {
      name: 'John Smith',
      phone: '07700 900456',
      dateOfBirth: '1975-01-31',
    });
    expect(created.body).toMatchObject({ phone: '+447700900456', dateOfBirth: '1975-01-31' });
    expect((await desk.get(`${base}/patients?q=smi`)).body.patients.map((p: { name: string }) => p.name)).toEqual([
      'John Smith',
    ]);
    expect(
      (await desk.get(`${base}/patients?q=${encodeURIComponent('07700 900123')}`)).body.patients.map(
        (p: { name: string }) => p.name,
      ),
    ).toEqual(['Jane Doe']);
    const bad = await desk.send('post', `${base}/patients`, { name: 'X', phone: '12' });
    expect(bad.body.error.field).toBe('phone');
    // A name's % or _ is a character, not a wildcard.
    await db.prisma.patient.createMany({
      data: ['Ann_Lee', 'AnnXLee', '100% Kim', '100 Kim', 'Back\\slash'].map((name) => ({ clinicId: clinic.id, name })),
    });
    const names = async (q: string) =>
      (await desk.get(`${base}/patients?q=${encodeURIComponent(q)}`)).body.patients.map(
        (p: { name: string }) => p.name,
      );
    expect(await names('n_L')).toEqual(['Ann_Lee']);
    expect(await names('0%')).toEqual(['100% Kim']);
    expect(await names('k\\s')).toEqual(['Back\\slash']);
  });
});
