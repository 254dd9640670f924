// Staff invitations, and the cross-clinic account takeover they replace: any clinic's
// owner could "add" another clinic's new owner (created by the operator, no password
// yet), receive a set-password link for that account and sign in as them.
import { createPasswordLink, addStaff } from '../../src/accounts/staff.js';
import { INVITATION_TTL_MS } from '../../src/accounts/invitations.js';
import { makeTestApp, TEST_BASE_URL, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { openSite, signIn as signInOverHttp } from '../helpers/http-browser.js';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { databaseKinds } from '../helpers/services.js';

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
let seq = 0;
const email = (who: string) => `${who}-${++seq}@clinic.test`;

describe.each(databaseKinds())('Staff invitations (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  /** A clinic whose owner is signed in, and a way to open links as anyone else. */
  async function clinicWithOwner(clock = testClock()) {
    const clinic = await makeClinic(db.prisma);
    const { app } = makeTestApp(db, { clock });
    const ownerLogin = await makeStaff(db.prisma, clinic.id, 'owner');
    const owner = browserAgent(app);
    await owner.signIn(ownerLogin);
    const visitor = async () => {
      const b = browserAgent(app);
      await b.get('/api/session');
      return b;
    };
    return { clinic, app, clock, ownerLogin, owner, visitor, invitations: `/api/clinics/${clinic.id}/invitations` };
  }

  it("another clinic's owner inviting a new owner the operator just added gets what a stranger gets, and no link of theirs sets that password", async () => {
    const a = await clinicWithOwner();
    // The operator's set-up of clinic B, as README says: staff:add, then a link for the new owner.
    const b = await makeClinic(db.prisma);
    const victim = email('owner-of-b');
    const { userId: victimId } = await addStaff(
      db.prisma,
      { clinicId: b.id, email: victim, role: 'owner' },
      { type: 'operator' },
    );
    const operatorsLink = await createPasswordLink(db.prisma, victimId, TEST_BASE_URL, a.clock());

    const forVictim = await a.owner.send('post', a.invitations, { email: victim, role: 'owner' });
    const forStranger = await a.owner.send('post', a.invitations, { email: email('stranger'), role: 'owner' });
    expect([forVictim.status, forStranger.status]).toEqual([201, 201]);
    // Nothing in the answer tells an account from no account.
    const shape = (body: { invitation: Record<string, unknown>; link: string }) => ({
      keys: Object.keys(body).sort(),
      invitation: Object.keys(body.invitation).sort(),
      link: body.link.replace(/token=.*/, ''),
    });
    expect(shape(forVictim.body)).toEqual(shape(forStranger.body));
    expect(forVictim.body.link).toMatch(/^https:\/\/phone\.clinic\.test\/invitation#token=[\w-]{43}$/);

    // The attacker uses the link: it cannot set the victim's password, sign anyone in, or join anyone.
    const attacker = await a.visitor();
    expect(
      (await attacker.send('post', '/api/invitations/inspect', { token: tokenOf(forVictim.body.link) })).body,
    ).toMatchObject({ email: victim, clinicName: a.clinic.name, role: 'owner' });
    const taken = await attacker.send('post', '/api/invitations/accept', {
      token: tokenOf(forVictim.body.link),
      password: 'the attacker chose this',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'account_exists' });
    expect((await attacker.get('/api/session')).body.user).toBeNull();
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: victimId } })).passwordHash).toBeNull();
    expect(await db.prisma.membership.findMany({ where: { userId: victimId }, select: { clinicId: true } })).toEqual([
      { clinicId: b.id },
    ]);
    expect(await db.prisma.session.count({ where: { userId: victimId } })).toBe(0);
    // The old way in is gone.
    expect(
      (await a.owner.send('post', `/api/clinics/${a.clinic.id}/staff`, { email: victim, role: 'owner' })).status,
    ).toBe(404);

    // The operator's link was never touched: the real owner sets a password and is in clinic B only.
    const real = await a.visitor();
    const used = await real.send('post', '/api/password-links/use', {
      token: tokenOf(operatorsLink),
      password: 'the real owner chose this',
    });
    expect(used.status).toBe(200);
    expect(used.body.clinics).toEqual([expect.objectContaining({ id: b.id, role: 'owner' })]);
  });

  it('a new person chooses a password through the link, is signed in, and joins with the role; the link then dies', async () => {
    const a = await clinicWithOwner();
    const newcomer = email('New.Starter');
    const invited = await a.owner.send('post', a.invitations, { email: newcomer.toUpperCase(), role: 'receptionist' });
    expect(invited.body.invitation).toMatchObject({
      email: newcomer.toLowerCase(),
      role: 'receptionist',
      expired: false,
      invitedBy: a.ownerLogin.email,
    });
    expect(await db.prisma.user.count({ where: { email: newcomer.toLowerCase() } })).toBe(0); // nothing exists until accepted
    const browser = await a.visitor();
    const short = await browser.send('post', '/api/invitations/accept', {
      token: tokenOf(invited.body.link),
      password: 'short',
    });
    expect(short.body.error).toMatchObject({ field: 'password' });
    const joined = await browser.send('post', '/api/invitations/accept', {
      token: tokenOf(invited.body.link),
      password: 'a long enough password',
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      user: { email: newcomer.toLowerCase() },
      clinics: [expect.objectContaining({ id: a.clinic.id, role: 'receptionist' })],
      joined: a.clinic.id,
    });
    expect((await browser.get(`/api/clinics/${a.clinic.id}`)).status).toBe(200);
    const again = await (
      await a.visitor()
    ).send('post', '/api/invitations/accept', { token: tokenOf(invited.body.link), password: 'another long password' });
    expect(again.status).toBe(410);
    expect((await a.owner.get(a.invitations)).body.invitations).toEqual([]);
    expect(
      await db.prisma.auditEntry.count({
        where: { clinicId: a.clinic.id, action: { in: ['staff.invited', 'staff.joined'] } },
      }),
    ).toBe(2);
  });

  it('someone with an account joins only by accepting while signed in as themselves; signed in as anyone else, nothing changes', async () => {
    const a = await clinicWithOwner();
    const elsewhere = await makeStaff(db.prisma, (await makeClinic(db.prisma)).id, 'receptionist');
    const invited = await a.owner.send('post', a.invitations, { email: elsewhere.email, role: 'owner' });
    // Until accepted, they are not a member of anything new.
    expect(await db.prisma.membership.count({ where: { userId: elsewhere.userId, clinicId: a.clinic.id } })).toBe(0);
    const someoneElse = browserAgent(a.app);
    await someoneElse.signIn(await makeStaff(db.prisma, (await makeClinic(db.prisma)).id, 'owner'));
    const wrong = await someoneElse.send('post', '/api/invitations/accept', { token: tokenOf(invited.body.link) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain(`This invitation is for ${elsewhere.email}`);
    const them = browserAgent(a.app);
    await them.signIn(elsewhere);
    const accepted = await them.send('post', '/api/invitations/accept', { token: tokenOf(invited.body.link) });
    expect(accepted.status).toBe(200);
    expect(accepted.body.clinics.map((c: { id: string; role: string }) => c.role).sort()).toEqual([
      'owner',
      'receptionist',
    ]);
  });

  it('owners see what is pending; inviting again replaces the link; withdrawn or expired links die; another clinic cannot withdraw it', async () => {
    const clock = testClock();
    const a = await clinicWithOwner(clock);
    const other = await clinicWithOwner(clock);
    const person = email('maybe');
    const first = await a.owner.send('post', a.invitations, { email: person, role: 'receptionist' });
    const second = await a.owner.send('post', a.invitations, { email: person, role: 'owner' });
    const list = (await a.owner.get(a.invitations)).body.invitations;
    expect(list).toEqual([expect.objectContaining({ id: second.body.invitation.id, email: person, role: 'owner' })]);
    const visitor = await a.visitor();
    expect((await visitor.send('post', '/api/invitations/inspect', { token: tokenOf(first.body.link) })).status).toBe(
      410,
    );
    // Another clinic's owner cannot withdraw it, nor see it.
    expect((await other.owner.send('delete', `${other.invitations}/${second.body.invitation.id}`)).status).toBe(404);
    expect((await other.owner.get(other.invitations)).body.invitations).toEqual([]);
    // Expiry: the link dies, the list says so.
    clock.advance(INVITATION_TTL_MS + 1);
    expect((await visitor.send('post', '/api/invitations/inspect', { token: tokenOf(second.body.link) })).status).toBe(
      410,
    );
    await a.owner.signIn(a.ownerLogin); // a week on, the owner's session has ended too
    expect((await a.owner.get(a.invitations)).body.invitations).toEqual([
      expect.objectContaining({ id: second.body.invitation.id, expired: true }),
    ]);
    expect((await a.owner.send('delete', `${a.invitations}/${second.body.invitation.id}`)).status).toBe(204);
    expect((await a.owner.get(a.invitations)).body.invitations).toEqual([]);
    expect((await a.owner.send('delete', `${a.invitations}/${second.body.invitation.id}`)).status).toBe(404);
  });

  it('an owner cannot get around the last-owner rule by inviting themselves, nor invite someone already here', async () => {
    const a = await clinicWithOwner();
    const self = await a.owner.send('post', a.invitations, { email: a.ownerLogin.email, role: 'receptionist' });
    expect(self.status).toBe(409);
    expect(self.body.error).toMatchObject({ code: 'already_member', field: 'email' });
    expect(
      await db.prisma.membership.findFirstOrThrow({ where: { clinicId: a.clinic.id, userId: a.ownerLogin.userId } }),
    ).toMatchObject({ role: 'owner' });
    const bad = await a.owner.send('post', a.invitations, { email: 'someone@clinic.test', role: 'boss' });
    expect(bad.body.error).toMatchObject({ field: 'role' });
  });

  it('a clinic sending invitation after invitation (fishing for accounts) is stopped after 50 in a day', async () => {
    const a = await clinicWithOwner();
    for (let i = 0; i < 50; i++)
      expect(
        (await a.owner.send('post', a.invitations, { email: email(`fish${i}`), role: 'receptionist' })).status,
      ).toBe(201);
    const refused = await a.owner.send('post', a.invitations, { email: email('fish'), role: 'receptionist' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('removing someone from one clinic ends their access to that clinic only; with no clinic left they are signed out', async () => {
    const a = await clinicWithOwner();
    const b = await clinicWithOwner();
    const both = await makeStaff(db.prisma, a.clinic.id, 'receptionist');
    await db.prisma.membership.create({ data: { userId: both.userId, clinicId: b.clinic.id, role: 'receptionist' } });
    const desk = browserAgent(a.app);
    await desk.signIn(both);
    expect((await a.owner.send('delete', `/api/clinics/${a.clinic.id}/staff/${both.userId}`)).status).toBe(204);
    expect((await desk.get(`/api/clinics/${a.clinic.id}`)).status).toBe(404);
    expect((await desk.get(`/api/clinics/${b.clinic.id}`)).status).toBe(200); // still signed in, still at work in B
    expect((await desk.get('/api/session')).body.clinics.map((c: { id: string }) => c.id)).toEqual([b.clinic.id]);
    expect((await b.owner.send('delete', `/api/clinics/${b.clinic.id}/staff/${both.userId}`)).status).toBe(204);
    expect((await desk.get('/api/session')).body.user).toBeNull();
  });

  it('closing a clinic signs out its staff who have no other clinic, and no one else', async () => {
    const a = await clinicWithOwner();
    const b = await clinicWithOwner();
    const onlyHere = await makeStaff(db.prisma, a.clinic.id, 'receptionist');
    const alsoInB = await makeStaff(db.prisma, a.clinic.id, 'receptionist');
    await db.prisma.membership.create({
      data: { userId: alsoInB.userId, clinicId: b.clinic.id, role: 'receptionist' },
    });
    const [x, y] = [browserAgent(a.app), browserAgent(a.app)];
    await x.signIn(onlyHere);
    await y.signIn(alsoInB);
    expect((await a.owner.send('delete', `/api/clinics/${a.clinic.id}`, { confirmName: a.clinic.name })).status).toBe(
      204,
    );
    expect((await x.get('/api/session')).body.user).toBeNull();
    expect((await a.owner.get('/api/session')).body.user).toBeNull();
    expect((await y.get('/api/session')).body.clinics.map((c: { id: string }) => c.id)).toEqual([b.clinic.id]);
  });
});

describe("The takeover, in production (a real process, set up by the operator's command line)", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
  });

  // Four command-line runs, each opening the embedded database afresh, then a server process:
  // Jest's default 60 s ran out in a busy clean-clone CI run (2026-12-07).
  it("another clinic's owner cannot take over the new owner the operator added; the operator's link works", async () => {
    const env = {
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://phone.example.com',
      SESSION_SECRET: 'p'.repeat(48),
      RECORDINGS_KEY: 'cd'.repeat(32),
      DATA_DIR: await tempDataDir(),
    };
    const clinic = async (name: string, number: string) =>
      JSON.parse(
        (await runCli(['clinic:create', '--name', name, '--number', number, '--timezone', 'Europe/London'], env))
          .stdout,
      ) as { id: string };
    const a = await clinic('Attacker Dental', '+441632960771');
    const b = await clinic('Victim Physio', '+441632960772');
    expect(
      (
        await runCli(
          ['staff:add', '--clinic', a.id, '--email', 'owner@attacker.example', '--role', 'owner', '--password-stdin'],
          env,
          'attacker password 123\n',
        )
      ).code,
    ).toBe(0);
    const added = await runCli(
      ['staff:add', '--clinic', b.id, '--email', 'owner@victim.example', '--role', 'owner'],
      env,
    );
    const operatorsLink = added.stdout.trim();
    expect(operatorsLink).toMatch(/^https:\/\/phone\.example\.com\/set-password#token=/);

    server = await startServerProcess(env);
    const attacker = await signInOverHttp(server.url, {
      email: 'owner@attacker.example',
      password: 'attacker password 123',
    });
    expect(attacker.cookie()).toContain('__Host-sid=');
    const invited = await attacker.call('POST', `/api/clinics/${a.id}/invitations`, {
      email: 'owner@victim.example',
      role: 'owner',
    });
    expect(invited.status).toBe(201);
    const link = (invited.body as { link: string }).link;
    const stranger = await openSite(server.url);
    const taken = await stranger.call('POST', '/api/invitations/accept', {
      token: tokenOf(link),
      password: 'the attacker chose this',
    });
    expect(taken.status).toBe(409);
    expect((await stranger.call('GET', '/api/session')).body.user).toBeNull();

    const owner = await openSite(server.url);
    const used = await owner.call('POST', '/api/password-links/use', {
      token: tokenOf(operatorsLink),
      password: 'the real owner chose this',
    });
    expect(used.status).toBe(200);
    expect((used.body as { clinics: Array<{ id: string }> }).clinics.map((c) => c.id)).toEqual([b.id]);
  }, 240_000);
});
