// The caller's card through the API: everyone on the number and whom they book for, with
// next and recent appointments and missed ones; the number's recent calls and open
// call-backs; the call note (audited without its words); another clinic's call is 404.
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';

const NOW = new Date('2027-06-07T08:00:00Z');
let seq = 0;

describe("The caller's card", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function scene() {
    const diary = await makeDiary(db.prisma);
    const { clinic, patient: jane, patel, checkUp } = diary;
    const agent = browserAgent(makeTestApp(db, { clock: testClock(NOW) }).app);
    await agent.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    const call = (fromNumber: string, startedAt = NOW) =>
      db.prisma.call.create({
        data: {
          callSid: `CA${String(++seq).padStart(32, '0')}`,
          clinicId: clinic.id,
          fromNumber,
          toNumber: clinic.numbers[0]!,
          direction: 'inbound',
          status: 'in-progress',
          startedAt,
        },
      });
    const at = { clinicId: clinic.id, practitionerId: patel.id, patientId: jane.id, typeId: checkUp.id };
    return { ...diary, agent, call, at, jane, base: `/api/clinics/${clinic.id}/calls` };
  }

  it('everyone on the number, and whom they book for, with next and recent appointments and missed ones', async () => {
    const { agent, call, at, jane, clinic, base } = await scene();
    await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'John Doe', otherPhones: ['+447700900123'], notes: 'Prefers texts' },
    });
    const tom = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name: 'Tom Doe', guardianId: jane.id, guardianRelation: 'mother' },
    });
    await placeAppointment(db.prisma, at, '2027-06-09T09:00:00Z');
    await placeAppointment(db.prisma, at, '2027-06-01T09:00:00Z', { status: 'no_show' });
    await placeAppointment(db.prisma, { ...at, patientId: tom.id }, '2027-06-10T09:00:00Z');
    const earlier = await call('+447700900123', new Date('2027-06-01T08:00:00Z'));
    await db.prisma.call.update({ where: { id: earlier.id }, data: { note: 'Rang about Tom', outcome: 'reception' } });
    const now = await call('+447700900123');
    const card = (await agent.get(`${base}/${now.id}/card`)).body;
    expect(card.call).toMatchObject({ id: now.id, number: '+447700900123', note: null });
    expect(card.patients.map((p: { name: string; onThisNumber: boolean }) => [p.name, p.onThisNumber])).toEqual([
      ['Jane Doe', true],
      ['John Doe', true],
      ['Tom Doe', false],
    ]);
    const [janeCard, johnCard, tomCard] = card.patients;
    expect(janeCard).toMatchObject({ noShows: 1, dateOfBirth: '1980-04-23' });
    expect(janeCard.next.map((a: { startsAt: string }) => a.startsAt)).toEqual(['2027-06-09T09:00:00.000Z']);
    expect(janeCard.recent).toEqual([expect.objectContaining({ status: 'no_show', type: expect.any(Object) })]);
    expect(johnCard).toMatchObject({ notes: 'Prefers texts', next: [], recent: [] });
    expect(tomCard).toMatchObject({ guardian: { id: jane.id, name: 'Jane Doe' }, guardianRelation: 'mother' });
    expect(tomCard.next).toHaveLength(1);
    expect(card.recentCalls).toEqual([expect.objectContaining({ id: earlier.id, note: 'Rang about Tom' })]);
  });

  it('a withheld number: nobody, and no other calls; a note is saved, cleared, audited without its words', async () => {
    const { agent, call, base, clinic } = await scene();
    const withheld = await call('anonymous');
    await call('anonymous');
    const card = (await agent.get(`${base}/${withheld.id}/card`)).body;
    expect(card).toMatchObject({ patients: [], recentCalls: [], callBacks: [] });
    const saved = await agent.send('put', `${base}/${withheld.id}/note`, { note: '  Will ring back after lunch  ' });
    expect(saved.body).toMatchObject({ id: withheld.id, note: 'Will ring back after lunch' });
    expect((await agent.get(`${base}/${withheld.id}/card`)).body.call.note).toBe('Will ring back after lunch');
    const cleared = await agent.send('put', `${base}/${withheld.id}/note`, { note: '' });
    expect(cleared.body.note).toBeNull();
    const audit = await db.prisma.auditEntry.findMany({
      where: { clinicId: clinic.id, subjectId: withheld.id },
      select: { action: true, details: true },
      orderBy: { at: 'asc' },
    });
    expect(audit).toEqual([
      { action: 'call.noted', details: null },
      { action: 'call.note_cleared', details: null },
    ]);
    const tooLong = await agent.send('put', `${base}/${withheld.id}/note`, { note: 'x'.repeat(1001) });
    expect([tooLong.status, tooLong.body.error.field]).toEqual([400, 'note']);
  });

  it("another clinic's call is 404 for the card and the note, and its note is untouched", async () => {
    const { agent, base } = await scene();
    const theirs = await scene();
    const call = await theirs.call('+447700900123');
    expect((await agent.get(`${base}/${call.id}/card`)).status).toBe(404);
    expect((await agent.send('put', `${base}/${call.id}/note`, { note: 'mine' })).status).toBe(404);
    expect((await db.prisma.call.findUniqueOrThrow({ where: { id: call.id } })).note).toBeNull();
  });
});
