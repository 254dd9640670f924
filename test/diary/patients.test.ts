// Patients as the desk keeps them: several numbers (any matches caller ID), notes, who
// books for them; search that ignores accents and case and finds any number or a date
// of birth; the record with their calls, texts, waiting list and call-backs.
import { patientsByPhone } from '../../src/diary/patients.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary, placeAppointment } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

const NOW = new Date('2027-06-07T08:00:00Z');

describe.each(databaseKinds())('Patients on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  async function desk() {
    const diary = await makeDiary(db.prisma);
    const agent = browserAgent(makeTestApp(db, { clock: testClock(NOW) }).app);
    const login = await makeStaff(db.prisma, diary.clinic.id, 'receptionist');
    await agent.signIn(login);
    const base = `/api/clinics/${diary.clinic.id}/patients`;
    const names = async (q: string) => {
      const res = await agent.get(`${base}?${new URLSearchParams({ q })}`);
      expect(res.status).toBe(200);
      return res.body.patients.map((p: { name: string }) => p.name);
    };
    return { ...diary, agent, base, names, login };
  }

  it('a new patient with several numbers in national form, notes and a date of birth; found by any number, and by caller ID on any', async () => {
    const { agent, base, names, clinic } = await desk();
    const created = await agent.send('post', base, {
      name: 'Siobhán Ní Bhriain',
      phones: ['07700 900 321', '020 7946 0321', '+44 7700 900321'],
      dateOfBirth: '1988-02-29',
      notes: 'Prefers afternoons',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Siobhán Ní Bhriain',
      phone: '+447700900321',
      phones: ['+447700900321', '+442079460321'], // the repeat, written another way, is dropped
      dateOfBirth: '1988-02-29',
      notes: 'Prefers afternoons',
      guardian: null,
    });
    expect(await names('020 7946 0321')).toEqual(['Siobhán Ní Bhriain']);
    expect(await names('+442079460321')).toEqual(['Siobhán Ní Bhriain']);
    expect((await patientsByPhone(db.prisma, clinic.id, '+442079460321')).map((p) => p.name)).toEqual([
      'Siobhán Ní Bhriain',
    ]);
    // By date of birth, as the desk writes it.
    expect(await names('29/02/1988')).toEqual(['Siobhán Ní Bhriain']);
    expect(await names('1988-02-29')).toEqual(['Siobhán Ní Bhriain']);
  });

  it('search ignores accents and case, and every word must be in the name', async () => {
    const { agent, base, names } = await desk();
    for (const name of ['Siobhán Ní Bhriain', 'SIOBHAN Kelly', 'Zoë Brontë', 'José Muñoz', 'Søren Kierkegaard'])
      expect((await agent.send('post', base, { name })).status).toBe(201);
    expect(await names('siobhan')).toEqual(['SIOBHAN Kelly', 'Siobhán Ní Bhriain']);
    expect(await names('SIOBHÁN')).toEqual(['SIOBHAN Kelly', 'Siobhán Ní Bhriain']);
    expect(await names('ni bhri')).toEqual(['Siobhán Ní Bhriain']);
    expect(await names('bhriain siobhan')).toEqual(['Siobhán Ní Bhriain']);
    expect(await names('zoe bronte')).toEqual(['Zoë Brontë']);
    expect(await names('munoz')).toEqual(['José Muñoz']);
    expect(await names('soren')).toEqual(['Søren Kierkegaard']);
    expect(await names('siobhan smith')).toEqual([]);
  });

  it('the accent-free search has its index, and the query uses it on a large clinic', async () => {
    const [index] = await db.sql<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'Patient_name_folded'`,
    );
    expect(index?.indexdef).toContain('gin_trgm_ops');
    const { clinic } = await desk();
    await db.sql(
      `INSERT INTO "Patient" ("id", "clinicId", "name", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, 'Patient ' || i || ' ' || md5(i::text), now() FROM generate_series(1, 5000) i`,
      [clinic.id],
    );
    await db.sql(`ANALYZE "Patient"`);
    const plan = await db.sql<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT "id" FROM "Patient" WHERE patient_search_key("name") LIKE '%' || patient_search_key('siobhan') || '%'`,
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('Patient_name_folded');
  });

  it('edits change only what is given; bad input is a 400 naming the field and changes nothing', async () => {
    const { agent, base, patient } = await desk();
    const url = `${base}/${patient.id}`;
    const edited = await agent.send('patch', url, {
      notes: 'Hard of hearing',
      phones: ['07700 900123', '07700 900999'],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Jane Doe',
      dateOfBirth: '1980-04-23',
      notes: 'Hard of hearing',
      phones: ['+447700900123', '+447700900999'],
    });
    const refusals: Array<[object, string]> = [
      [{ phones: ['07700 900123', 'twelve'] }, 'phones.1'],
      [{ dateOfBirth: '2099-01-01' }, 'dateOfBirth'],
      [{ dateOfBirth: '1980-02-30' }, 'dateOfBirth'],
      [{ name: '' }, 'name'],
      [{ phone: '07700 900123', phones: [] }, 'phones'],
      [{ phones: Array.from({ length: 6 }, (_, i) => `07700 90012${i}`) }, 'phones'],
      [{ notes: 'x'.repeat(2001) }, 'notes'],
      [{ colour: 'blue' }, 'colour'],
    ];
    for (const [input, field] of refusals) {
      const res = await agent.send('patch', url, input);
      expect([res.status, res.body.error?.field]).toEqual([400, field]);
    }
    expect((await agent.get(url)).body).toMatchObject({ notes: 'Hard of hearing', phones: edited.body.phones });
    // Clearing: no notes, no numbers.
    expect((await agent.send('patch', url, { notes: null, phones: [] })).body).toMatchObject({
      notes: null,
      phone: null,
      phones: [],
    });
  });

  it('who books for them: another patient of the clinic, never themselves, never a loop, never another clinic’s', async () => {
    const { agent, base, patient, clinic } = await desk();
    const mum = (await agent.send('post', base, { name: 'Mary Doe', phones: ['07700 900700'] })).body;
    const child = await agent.send('post', base, { name: 'Tom Doe', guardianId: mum.id, guardianRelation: 'mother' });
    expect(child.body).toMatchObject({ guardian: { id: mum.id, name: 'Mary Doe' }, guardianRelation: 'mother' });
    const record = (await agent.get(`${base}/${mum.id}`)).body;
    expect(record.booksFor).toEqual([{ id: child.body.id, name: 'Tom Doe', guardianRelation: 'mother' }]);

    expect((await agent.send('patch', `${base}/${mum.id}`, { guardianId: mum.id })).body.error.field).toBe(
      'guardianId',
    );
    expect((await agent.send('patch', `${base}/${mum.id}`, { guardianId: child.body.id })).body.error.field).toBe(
      'guardianId',
    );
    const elsewhere = await makeDiary(db.prisma);
    const theirs = await agent.send('patch', `${base}/${patient.id}`, { guardianId: elsewhere.patient.id });
    expect([theirs.status, theirs.body.error.field]).toEqual([404, 'guardianId']);
    // Removing the link clears what they were to them.
    const unlinked = await agent.send('patch', `${base}/${child.body.id}`, { guardianId: null });
    expect(unlinked.body).toMatchObject({ guardian: null, guardianRelation: null });
    expect(await db.prisma.patient.count({ where: { clinicId: clinic.id } })).toBe(3);
  });

  it("another clinic's patient is 404 to read or change; creating and editing are audited without the details", async () => {
    const { agent, base, patient, clinic, login } = await desk();
    const elsewhere = await makeDiary(db.prisma);
    expect((await agent.get(`${base}/${elsewhere.patient.id}`)).status).toBe(404);
    const res = await agent.send('patch', `${base}/${elsewhere.patient.id}`, { notes: 'mine now' });
    expect(res.status).toBe(404);
    expect((await db.prisma.patient.findUniqueOrThrow({ where: { id: elsewhere.patient.id } })).notes).toBeNull();
    expect((await agent.get(`/api/clinics/${elsewhere.clinic.id}/patients?q=Jane`)).status).toBe(404);

    await agent.send('patch', `${base}/${patient.id}`, { notes: 'Allergic to latex' });
    const audit = await db.prisma.auditEntry.findMany({
      where: { clinicId: clinic.id, subjectId: patient.id },
      select: { action: true, actorId: true, details: true },
    });
    expect(audit).toEqual([{ action: 'patient.updated', actorId: login.userId, details: { fields: ['notes'] } }]);
    expect(JSON.stringify(audit)).not.toContain('latex');
  });

  it("the record: appointments with the no-shows counted, calls and texts on any of the patient's numbers, the waiting list, open call-backs", async () => {
    const { agent, base, patient, clinic, patel, checkUp } = await desk();
    await agent.send('patch', `${base}/${patient.id}`, { phones: ['07700 900123', '020 7946 0999'] });
    const at = { clinicId: clinic.id, practitionerId: patel.id, patientId: patient.id, typeId: checkUp.id };
    const appointment = (startsAt: string, status: 'no_show' | 'attended') =>
      placeAppointment(db.prisma, at, startsAt, { status });
    await appointment('2027-05-03T09:00:00Z', 'no_show');
    await appointment('2027-05-10T09:00:00Z', 'no_show');
    await appointment('2027-05-17T09:00:00Z', 'attended');
    const call = await db.prisma.call.create({
      data: {
        callSid: `CA${'7'.repeat(31)}${kind === 'embedded' ? 'e' : 'p'}`,
        clinicId: clinic.id,
        fromNumber: '+442079460999',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: NOW,
        outcome: 'abandoned',
      },
    });
    await db.prisma.callBack.create({
      data: { clinicId: clinic.id, callId: call.id, reason: 'abandoned', fromNumber: '+442079460999' },
    });
    await db.prisma.textMessage.create({
      data: { clinicId: clinic.id, kind: 'booked', toNumber: '+447700900123', body: 'Booked.', status: 'sent' },
    });
    await db.prisma.waitlistEntry.create({
      data: {
        clinicId: clinic.id,
        patientId: patient.id,
        typeId: checkUp.id,
        fromDate: new Date('2027-06-08'),
        toDate: new Date('2027-06-20'),
      },
    });
    const record = (await agent.get(`${base}/${patient.id}`)).body;
    expect(record.noShows).toBe(2);
    expect(record.appointments).toHaveLength(3);
    expect(record.calls.map((c: { id: string }) => c.id)).toEqual([call.id]);
    expect(record.texts).toEqual([expect.objectContaining({ kind: 'booked', toNumber: '+447700900123' })]);
    expect(record.waitlist).toEqual([
      expect.objectContaining({ fromDate: '2027-06-08', toDate: '2027-06-20', type: { name: 'Check-up' } }),
    ]);
    expect(record.callBacks).toEqual([expect.objectContaining({ reason: 'abandoned', fromNumber: '+442079460999' })]);
  });
});
