import { NotFound } from '../../src/core/errors.js';
import { createPasswordLink, PASSWORD_LINK_TTL_MS, usePasswordLink } from '../../src/accounts/staff.js';
import { addStaff } from '../../src/accounts/staff.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, TEST_BASE_URL, testClock } from '../helpers/app.js';
import { browserAgent, makeClinic } from '../helpers/fixtures.js';

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

describe('One-time set-password links', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function newStaffLink(clock: () => Date) {
    const clinic = await makeClinic(db.prisma);
    const email = `new-${Math.random().toString(36).slice(2)}@clinic.test`;
    const { userId } = await addStaff(
      db.prisma,
      { clinicId: clinic.id, email, role: 'receptionist' },
      { type: 'operator' },
    );
    return { email, userId, link: await createPasswordLink(db.prisma, userId, TEST_BASE_URL, clock()) };
  }

  it('new staff open their link, see their email, set a password and are signed in; the link then dies', async () => {
    const clock = testClock();
    const { email, link } = await newStaffLink(clock);
    expect(link).toMatch(new RegExp(`^${TEST_BASE_URL}/set-password#token=[\\w-]{43}$`));
    const browser = browserAgent(makeTestApp(db, { clock }).app);
    await browser.get('/api/session');
    const inspected = await browser.send('post', '/api/password-links/inspect', { token: tokenOf(link) });
    expect(inspected.body).toEqual({ email, name: null });

    const tooShort = await browser.send('post', '/api/password-links/use', { token: tokenOf(link), password: 'short' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.error.field).toBe('password');

    const used = await browser.send('post', '/api/password-links/use', {
      token: tokenOf(link),
      password: 'a long enough password',
    });
    expect(used.status).toBe(200);
    expect(used.body.user.email).toBe(email);

    const again = await browser.send('post', '/api/password-links/use', {
      token: tokenOf(link),
      password: 'another long password',
    });
    expect(again.status).toBe(410);
    const fresh = browserAgent(makeTestApp(db, { clock }).app);
    expect((await fresh.signIn({ email, password: 'a long enough password' })).status).toBe(200);
    expect((await fresh.signIn({ email, password: 'another long password' })).status).toBe(401);
  });

  it('an expired link is refused with 410 and sets nothing', async () => {
    const clock = testClock();
    const { userId, link } = await newStaffLink(clock);
    clock.advance(PASSWORD_LINK_TTL_MS + 1);
    const browser = browserAgent(makeTestApp(db, { clock }).app);
    await browser.get('/api/session');
    const res = await browser.send('post', '/api/password-links/use', {
      token: tokenOf(link),
      password: 'a long enough password',
    });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('link_expired');
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).passwordHash).toBeNull();
  });

  it('a newer link replaces the older one, and an unknown token is 404', async () => {
    const clock = testClock();
    const { userId, link: first } = await newStaffLink(clock);
    const second = await createPasswordLink(db.prisma, userId, TEST_BASE_URL, clock());
    const browser = browserAgent(makeTestApp(db, { clock }).app);
    await browser.get('/api/session');
    expect((await browser.send('post', '/api/password-links/inspect', { token: tokenOf(first) })).status).toBe(404);
    expect((await browser.send('post', '/api/password-links/inspect', { token: tokenOf(second) })).status).toBe(200);
  });

  it('two tabs using the same link at once: exactly one sets the password', async () => {
    const clock = testClock();
    const { link } = await newStaffLink(clock);
    const { app } = makeTestApp(db, { clock });
    const a = browserAgent(app);
    const b = browserAgent(app);
    await Promise.all([a.get('/api/session'), b.get('/api/session')]);
    const results = await Promise.all([
      a.send('post', '/api/password-links/use', { token: tokenOf(link), password: 'password from tab A' }),
      b.send('post', '/api/password-links/use', { token: tokenOf(link), password: 'password from tab B' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
  });

  it('a bogus link costs a lookup, never a password hash; an address trying link after bogus link is stopped', async () => {
    const clock = testClock();
    let hashed = 0;
    const countingHash = async (password: string) => {
      hashed++;
      return `not-argon2:${password}`;
    };
    await expect(
      usePasswordLink(db.prisma, 'x'.repeat(43), 'a long enough password', clock(), countingHash),
    ).rejects.toBeInstanceOf(NotFound);
    expect(hashed).toBe(0);
    const { link } = await newStaffLink(clock);
    const browser = browserAgent(makeTestApp(db, { clock, env: { TRUST_PROXY: '1' } }).app);
    await browser.get('/api/session');
    const use = (token: string) =>
      browser.agent
        .post('/api/password-links/use')
        .set('X-Forwarded-For', '203.0.113.99')
        .set('X-CSRF-Token', browser.csrf)
        .send({ token, password: 'a long enough password' });
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await use(`bogus-token-${i}-`.padEnd(43, 'x'))).status);
    expect(statuses).toEqual([...Array(20).fill(404), 429]);
    expect((await use(tokenOf(link))).status).toBe(429);
    clock.advance(15 * 60 * 1000 + 1);
    expect((await use(tokenOf(link))).status).toBe(200);
  });
});
