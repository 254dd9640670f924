// The waiting list as the desk works it: the list says what for and with whom; booking
// for an entry takes them off it in the same transaction (or neither); the desk texts
// one person a time it found, once, only when it is free and texts are on.
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';

// Monday 7 June 2027, 08:00 in London.
const NOW = new Date('2027-06-07T07:00:00Z');
const TUESDAY_11 = '2027-06-08T10:00:00.000Z';

describe('The waiting list at the desk', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function desk(texts = false) {
    const diary = await makeDiary(db.prisma);
    await db.prisma.clinic.update({ where: { id: diary.clinic.id }, data: { textMessages: texts } });
    const agent = browserAgent(makeTestApp(db, { clock: testClock(NOW) }).app);
    await agent.signIn(await makeStaff(db.prisma, diary.clinic.id, 'receptionist'));
    const base = `/api/clinics/${diary.clinic.id}`;
    const added = await agent.send('post', `${base}/waitlist`, {
      patientId: diary.patient.id,
      typeId: diary.checkUp.id,
      practitionerId: diary.patel.id,
      fromDate: '2027-06-08',
      toDate: '2027-06-18',
    });
    expect(added.status).toBe(201);
    return { ...diary, agent, base, entryId: added.body.id as string };
  }

  it('lists what each waits for and with whom; booking for an entry takes them off it, in the same transaction', async () => {
    const { agent, base, entryId, patient, patel, checkUp, clinic } = await desk();
    const list = (await agent.get(`${base}/waitlist`)).body.waitlist;
    expect(list).toEqual([
      expect.objectContaining({
        id: entryId,
        fromDate: '2027-06-08',
        toDate: '2027-06-18',
        patient: { id: patient.id, name: 'Jane Doe', phone: '+447700900123' },
        type: { id: checkUp.id, name: 'Check-up' },
        practitioner: { id: patel.id, name: 'Anita Patel' },
      }),
    ]);
    const book = (startsAt: string, patientId = patient.id) =>
      agent.send('post', `${base}/appointments`, {
        patientId,
        practitionerId: patel.id,
        typeId: checkUp.id,
        startsAt,
        waitlistEntryId: entryId,
      });
    // Someone else's entry refuses the booking, and nothing is booked.
    const tom = await db.prisma.patient.create({ data: { clinicId: clinic.id, name: 'Tom Evans' } });
    const wrong = await book(TUESDAY_11, tom.id);
    expect([wrong.status, wrong.body.error.field]).toEqual([404, 'waitlistEntryId']);
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(0);

    expect((await book(TUESDAY_11)).status).toBe(201);
    expect((await db.prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entryId } })).resolvedAt).toEqual(NOW);
    expect((await agent.get(`${base}/waitlist`)).body.waitlist).toEqual([]);
    // Booking again for the same entry (a double click) is refused: they are off the list already.
    const again = await book('2027-06-08T11:00:00.000Z');
    expect(again.status).toBe(404);
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id } })).toBe(1);
  });

  it('texts one person a time the desk found for them: once, only when free, only when the clinic texts', async () => {
    const off = await desk(false);
    const offer = (d: typeof off, startsAt = TUESDAY_11) =>
      d.agent.send('post', `${d.base}/waitlist/${d.entryId}/offers`, { practitionerId: d.patel.id, startsAt });
    const refused = await offer(off);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'texts_off']);

    const on = await desk(true);
    expect((await offer(on)).body).toEqual({ offered: true });
    expect((await offer(on)).body).toEqual({ offered: false });
    const texts = await db.prisma.textMessage.findMany({ where: { clinicId: on.clinic.id } });
    expect(texts.map((t) => [t.kind, t.toNumber, t.body])).toEqual([
      [
        'waitlist_offer',
        '+447700900123',
        'Riverside Dental: an appointment with Dr Patel is free on Tuesday 8 June at 11:00. Reply YES to take it.',
      ],
    ]);
    // A time that is taken, or outside hours, is not offered.
    await placeAppointment(
      db.prisma,
      { clinicId: on.clinic.id, practitionerId: on.patel.id, patientId: on.patient.id, typeId: on.checkUp.id },
      '2027-06-09T10:00:00Z',
    );
    const taken = await offer(on, '2027-06-09T10:00:00.000Z');
    expect([taken.status, taken.body.error.code]).toEqual([409, 'slot_taken']);
    expect((await offer(on, '2027-06-08T20:00:00.000Z')).status).toBe(409);
    // Another clinic's entry: 404, nothing texted.
    const theirs = await desk(true);
    const cross = await on.agent.send('post', `${on.base}/waitlist/${theirs.entryId}/offers`, {
      practitionerId: on.patel.id,
      startsAt: TUESDAY_11,
    });
    expect(cross.status).toBe(404);
    expect(await db.prisma.textMessage.count({ where: { clinicId: theirs.clinic.id } })).toBe(0);
  });
});
