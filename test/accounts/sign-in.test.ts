import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Staff sign-in on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('a receptionist signs in, sees their clinic and role, and signs out', async () => {
    const clinic = await makeClinic(db.prisma, { name: 'Riverside Dental' });
    const login = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const browser = browserAgent(makeTestApp(db).app);

    const anonymous = await browser.get('/api/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ user: null, clinics: [], csrfToken: expect.any(String), sendsEmail: false });
    const anonymousToken = browser.csrf;

    const signedIn = await browser.signIn(login);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toEqual({ id: login.userId, email: login.email, name: null });
    expect(signedIn.body.clinics).toEqual([
      { id: clinic.id, name: 'Riverside Dental', timeZone: 'Europe/London', locale: 'en-GB', role: 'receptionist' },
    ]);
    expect(browser.csrf).not.toBe(anonymousToken); // a new token at sign-in

    const cookie = signedIn.headers['set-cookie']!.toString();
    expect(cookie).toMatch(/sid=.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/); // only in production

    expect((await browser.get(`/api/clinics/${clinic.id}`)).status).toBe(200);
    const out = await browser.send('delete', '/api/session');
    expect(out.status).toBe(200);
    expect(out.body.user).toBeNull();
    expect((await browser.get(`/api/clinics/${clinic.id}`)).status).toBe(401);
    expect(await db.prisma.session.count({ where: { userId: login.userId } })).toBe(0);
  });

  it('email is matched without regard to case', async () => {
    const clinic = await makeClinic(db.prisma);
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    const res = await browserAgent(makeTestApp(db).app).signIn({ ...login, email: login.email.toUpperCase() });
    expect(res.status).toBe(200);
  });

  it('a wrong password and an unknown email get the same 401, naming neither', async () => {
    const clinic = await makeClinic(db.prisma);
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    const { app } = makeTestApp(db);
    const wrongPassword = await browserAgent(app).signIn({ email: login.email, password: 'not-the-password' });
    const unknownEmail = await browserAgent(app).signIn({ email: 'nobody@clinic.test', password: login.password });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body.error.message).toBe('Email or password is incorrect.');
    expect(wrongPassword.headers['set-cookie']?.toString() ?? '').not.toMatch(/sid=/);
  });

  it('the 11th rapid failed sign-in for one account is refused with 429 and Retry-After, even with the right password', async () => {
    const clinic = await makeClinic(db.prisma);
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    const clock = testClock();
    const { app } = makeTestApp(db, { clock });
    const browser = browserAgent(app);
    for (let i = 1; i <= 10; i++)
      expect((await browser.signIn({ email: login.email, password: `wrong-${i}` })).status).toBe(401);
    const eleventh = await browser.signIn(login);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.message).toMatch(/Too many sign-in attempts/);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    // The window passes: the right password works again.
    clock.advance(15 * 60 * 1000 + 1);
    expect((await browser.signIn(login)).status).toBe(200);
  });

  it('one address trying many accounts is stopped after 50 attempts', async () => {
    const { app } = makeTestApp(db, { env: { TRUST_PROXY: 'true' } });
    const browser = browserAgent(app);
    await browser.get('/api/session');
    const attempt = (i: number) =>
      browser.agent
        .post('/api/session')
        .set('X-Forwarded-For', '203.0.113.7')
        .set('X-CSRF-Token', browser.csrf)
        .send({ email: `guess-${i}@clinic.test`, password: 'guess' });
    for (let i = 1; i <= 50; i++) expect((await attempt(i)).status).toBe(401);
    expect((await attempt(51)).status).toBe(429);
    // Another address is unaffected.
    const other = await browser.agent
      .post('/api/session')
      .set('X-Forwarded-For', '203.0.113.8')
      .set('X-CSRF-Token', browser.csrf)
      .send({ email: 'guess-52@clinic.test', password: 'guess' });
    expect(other.status).toBe(401);
  });

  it('a bad request names the field and changes nothing', async () => {
    const browser = browserAgent(makeTestApp(db).app);
    await browser.get('/api/session');
    const res = await browser.send('post', '/api/session', { email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'email' });
  });

  it('a session survives a restart of the app on the same database', async () => {
    const clinic = await makeClinic(db.prisma);
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    const first = browserAgent(makeTestApp(db).app);
    const res = await first.signIn(login);
    const cookies = res.headers['set-cookie'] as unknown as string[];
    // A second app (as after a restart, or another instance) knows the same cookie.
    const { app } = makeTestApp(db);
    const again = await (
      await import('supertest')
    )
      .default(app)
      .get('/api/session')
      .set('Cookie', cookies.map((c) => c.split(';')[0]).join('; '));
    expect(again.body.user).toEqual({ id: login.userId, email: login.email, name: null });
  });
});

// Dozens of real sign-ins each (argon2 every time): run once. The counters' SQL is the
// same on both databases and is exercised on both by the tests above.
describe('Sign-in throttling that cannot be turned against the innocent (embedded database)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('a whole clinic behind one address signs in all day: successes never count toward its limit', async () => {
    const clinic = await makeClinic(db.prisma);
    const staff = await Promise.all(Array.from({ length: 6 }, () => makeStaff(db.prisma, clinic.id, 'receptionist')));
    const { app } = makeTestApp(db, { env: { TRUST_PROXY: '1' } });
    const statuses: number[] = [];
    for (let round = 0; round < 9; round++) {
      for (const login of staff) {
        const browser = browserAgent(app);
        await browser.get('/api/session');
        statuses.push(
          (
            await browser.agent
              .post('/api/session')
              .set('X-Forwarded-For', '198.51.100.20')
              .set('X-CSRF-Token', browser.csrf)
              .send(login)
          ).status,
        );
      }
    }
    expect(statuses).toEqual(Array(54).fill(200)); // past the 50 an address may fail
  });

  it("someone else's failures never lock the right password out of the browser its owner uses; a new browser is held back", async () => {
    const clinic = await makeClinic(db.prisma);
    const login = await makeStaff(db.prisma, clinic.id, 'owner');
    const { app } = makeTestApp(db, { env: { TRUST_PROXY: '1' } });
    const from = (browser: ReturnType<typeof browserAgent>, address: string, password: string) =>
      browser.agent
        .post('/api/session')
        .set('X-Forwarded-For', address)
        .set('X-CSRF-Token', browser.csrf)
        .send({ email: login.email, password });
    const owners = browserAgent(app);
    await owners.get('/api/session');
    expect((await from(owners, '198.51.100.1', login.password)).status).toBe(200);
    await owners.get('/api/session'); // the signed-in CSRF token
    expect((await owners.send('delete', '/api/session')).body.user).toBeNull();
    // An attacker guesses from many addresses, ten a time: far past any per-account limit.
    const attacker = browserAgent(app);
    await attacker.get('/api/session');
    const guesses: number[] = [];
    for (let i = 0; i < 40; i++)
      guesses.push((await from(attacker, `203.0.113.${10 + Math.floor(i / 10)}`, `guess-${i}`)).status);
    expect(guesses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(guesses.slice(30)).toEqual(Array(10).fill(429)); // distributed guessing is stopped too
    // The owner, in the browser they use, is not locked out by any of it.
    expect((await from(owners, '198.51.100.1', login.password)).status).toBe(200);
    // A browser the owner never signed in on must wait (that is what stops the guessing).
    const fresh = browserAgent(app);
    await fresh.get('/api/session');
    expect((await from(fresh, '198.51.100.1', login.password)).status).toBe(429);
  });
});
