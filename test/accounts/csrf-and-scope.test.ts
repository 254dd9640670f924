import request from 'supertest';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp } from '../helpers/app.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('CSRF and clinic scoping on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('a state change without the CSRF token is refused with 403 and changes nothing', async () => {
    const clinic = await makeClinic(db.prisma, { name: 'Before' });
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const browser = browserAgent(makeTestApp(db).app);
    await browser.signIn(owner);
    const noToken = await browser.agent.patch(`/api/clinics/${clinic.id}`).send({ name: 'After' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf');
    const wrongToken = await browser.agent
      .patch(`/api/clinics/${clinic.id}`)
      .set('X-CSRF-Token', 'x'.repeat(43))
      .send({ name: 'After' });
    expect(wrongToken.status).toBe(403);
    expect((await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).name).toBe('Before');
    const withToken = await browser.send('patch', `/api/clinics/${clinic.id}`, { name: 'After' });
    expect(withToken.status).toBe(200);
    expect(withToken.body.name).toBe('After');
  });

  it('sign-in itself needs the token', async () => {
    const clinic = await makeClinic(db.prisma);
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const res = await request(makeTestApp(db).app)
      .post('/api/session')
      .send({ email: owner.email, password: owner.password });
    expect(res.status).toBe(403);
  });

  it('the token used before sign-in is stale after it', async () => {
    const clinic = await makeClinic(db.prisma);
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const browser = browserAgent(makeTestApp(db).app);
    await browser.get('/api/session');
    const before = browser.csrf;
    await browser.signIn(owner);
    const res = await browser.agent.patch(`/api/clinics/${clinic.id}`).set('X-CSRF-Token', before).send({ name: 'X' });
    expect(res.status).toBe(403);
  });

  it('a signed-in user who is not a member gets 404 for another clinic, as if it did not exist', async () => {
    const mine = await makeClinic(db.prisma);
    const theirs = await makeClinic(db.prisma);
    const me = await makeStaff(db.prisma, mine.id, 'owner');
    const browser = browserAgent(makeTestApp(db).app);
    await browser.signIn(me);
    const other = await browser.get(`/api/clinics/${theirs.id}`);
    const missing = await browser.get('/api/clinics/00000000-0000-4000-8000-000000000000');
    const garbage = await browser.get('/api/clinics/not-a-uuid');
    for (const res of [other, missing, garbage]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(other.body).toEqual(missing.body);
    expect((await browser.send('patch', `/api/clinics/${theirs.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await browser.get(`/api/clinics/${theirs.id}/staff`)).status).toBe(404);
  });

  it('a request with no session gets 401', async () => {
    const clinic = await makeClinic(db.prisma);
    expect((await request(makeTestApp(db).app).get(`/api/clinics/${clinic.id}`)).status).toBe(401);
  });

  it('a receptionist gets 403 on an owner route, and the owner does not', async () => {
    const clinic = await makeClinic(db.prisma);
    const receptionist = browserAgent(makeTestApp(db).app);
    await receptionist.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    expect((await receptionist.get(`/api/clinics/${clinic.id}`)).body.role).toBe('receptionist');
    expect((await receptionist.get(`/api/clinics/${clinic.id}/staff`)).status).toBe(403);
    const change = await receptionist.send('patch', `/api/clinics/${clinic.id}`, { name: 'Renamed' });
    expect(change.status).toBe(403);
    expect(change.body.error.code).toBe('forbidden');

    const owner = browserAgent(makeTestApp(db).app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const staff = await owner.get(`/api/clinics/${clinic.id}/staff`);
    expect(staff.status).toBe(200);
    expect(staff.body.staff.map((s: { role: string }) => s.role).sort()).toEqual(['owner', 'receptionist']);
  });

  it('an owner changing settings gets field-named errors for bad values, and an audit entry naming fields, not values', async () => {
    const clinic = await makeClinic(db.prisma);
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const browser = browserAgent(makeTestApp(db).app);
    await browser.signIn(owner);
    const bad = await browser.send('patch', `/api/clinics/${clinic.id}`, { timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('timeZone');
    // The line speaks English in British or American voices only: another locale would fail at Twilio mid-call.
    const french = await browser.send('patch', `/api/clinics/${clinic.id}`, { locale: 'fr-FR' });
    expect(french.body.error).toMatchObject({
      field: 'locale',
      message: expect.stringContaining('must be en-GB or en-US'),
    });
    const unknown = await browser.send('patch', `/api/clinics/${clinic.id}`, { colour: 'blue' });
    expect(unknown.status).toBe(400);
    const ok = await browser.send('patch', `/api/clinics/${clinic.id}`, {
      fallbackNumber: '+447700900456',
      timeZone: 'Europe/Dublin',
    });
    expect(ok.status).toBe(200);
    const audit = await db.prisma.auditEntry.findFirstOrThrow({
      where: { clinicId: clinic.id, action: 'clinic.settings_changed' },
    });
    expect(audit).toMatchObject({
      actorType: 'user',
      actorId: owner.userId,
      details: { fields: ['fallbackNumber', 'timeZone'] },
    });
    expect(JSON.stringify({ ...audit, id: String(audit.id) })).not.toContain('+447700900456');

    // Numbers as people write them, read in the clinic's country; a US clinic's in the US plan.
    const national = await browser.send('patch', `/api/clinics/${clinic.id}`, {
      receptionNumber: '07700 900 123',
      fallbackNumber: '(01632) 960-999',
    });
    expect(national.body).toMatchObject({ receptionNumber: '+447700900123', fallbackNumber: '+441632960999' });
    const american = await browser.send('patch', `/api/clinics/${clinic.id}`, {
      locale: 'en-US',
      receptionNumber: '(201) 555-0123',
    });
    expect(american.body).toMatchObject({ locale: 'en-US', receptionNumber: '+12015550123' });
    const notANumber = await browser.send('patch', `/api/clinics/${clinic.id}`, {
      locale: 'en-GB',
      fallbackNumber: '0770',
    });
    expect(notANumber.status).toBe(400);
    expect(notANumber.body.error).toMatchObject({
      field: 'fallbackNumber',
      message: expect.stringMatching(/^Fallback number: must be a phone number, .*07700 900123/),
    });
    const tooLong = await browser.send('patch', `/api/clinics/${clinic.id}`, { maxQueueWaitSeconds: 5 });
    expect(tooLong.body.error).toMatchObject({
      field: 'maxQueueWaitSeconds',
      message: 'Longest wait in the queue: must be at least 30 seconds',
    });
    // Nothing of a refused change is kept.
    expect(await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).toMatchObject({
      locale: 'en-US',
      fallbackNumber: '+441632960999',
    });
  });

  it('unknown API paths answer JSON 404', async () => {
    const res = await request(makeTestApp(db).app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
