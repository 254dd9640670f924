// Staff have names: typed by the owner who invites them, set or corrected by the person
// (accepting, setting a password, their profile), and shown wherever their email was.
import { addStaff, createPasswordLink } from '../../src/accounts/staff.js';
import { makeTestApp, TEST_BASE_URL, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');
let seq = 0;
const email = (who: string) => `${who}-${++seq}-names@clinic.test`;

describe.each(databaseKinds())('Staff names (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  async function clinicWithOwner() {
    const clinic = await makeClinic(db.prisma);
    const { app } = makeTestApp(db, { clock: testClock() });
    const ownerLogin = await makeStaff(db.prisma, clinic.id, 'owner');
    const owner = browserAgent(app);
    await owner.signIn(ownerLogin);
    const visitor = async () => {
      const b = browserAgent(app);
      await b.get('/api/session');
      return b;
    };
    return { clinic, app, ownerLogin, owner, visitor, base: `/api/clinics/${clinic.id}` };
  }

  it('a member of staff sets their own name in their profile; a bad one is a 400 naming the field and changes nothing', async () => {
    const c = await clinicWithOwner();
    const saved = await c.owner.send('patch', '/api/session/profile', { name: '  Olivia Owen  ' });
    expect(saved.status).toBe(200);
    expect(saved.body.user).toEqual({ id: c.ownerLogin.userId, email: c.ownerLogin.email, name: 'Olivia Owen' });
    expect((await c.owner.get('/api/session')).body.user.name).toBe('Olivia Owen');

    // A name with a line break could lay out lines of its own in an email sent in that name.
    const withBreaks = [
      { name: 'Sam\n\nAccept here: https://evil.example' },
      { name: 'Sam\rLee' },
      { name: 'Sam\u0000' },
    ];
    for (const bad of [
      { name: '   ' },
      { name: 'x'.repeat(81) },
      {},
      { name: 42 },
      { name: 'Ok', email: 'x@y.z' },
      ...withBreaks,
    ]) {
      const res = await c.owner.send('patch', '/api/session/profile', bad);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('email' in bad ? 'email' : 'name');
    }
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: c.ownerLogin.userId } })).name).toBe('Olivia Owen');
    expect((await c.owner.send('patch', '/api/session/profile', { name: 'é'.repeat(80) })).status).toBe(200);

    // Only for someone signed in, and only with the CSRF token.
    const stranger = await c.visitor();
    expect((await stranger.send('patch', '/api/session/profile', { name: 'Mallory' })).status).toBe(401);
    expect((await c.owner.agent.patch('/api/session/profile').send({ name: 'No token' })).status).toBe(403);
  });

  it('the owner types the name of someone new; they keep it, or correct it, when they accept', async () => {
    const c = await clinicWithOwner();
    await db.prisma.user.update({ where: { id: c.ownerLogin.userId }, data: { name: 'Olivia Owen' } });
    const badName = await c.owner.send('post', `${c.base}/invitations`, {
      email: email('x'),
      role: 'receptionist',
      name: '',
    });
    expect(badName.status).toBe(400);
    expect(badName.body.error.field).toBe('name');

    const kept = email('nina');
    const invited = await c.owner.send('post', `${c.base}/invitations`, {
      email: kept,
      role: 'receptionist',
      name: 'Nina New',
    });
    expect(invited.body.invitation).toMatchObject({ email: kept, name: 'Nina New', invitedBy: 'Olivia Owen' });
    expect((await c.owner.get(`${c.base}/invitations`)).body.invitations[0]).toMatchObject({ name: 'Nina New' });
    const nina = await c.visitor();
    expect(
      (await nina.send('post', '/api/invitations/inspect', { token: tokenOf(invited.body.link) })).body,
    ).toMatchObject({
      email: kept,
      name: 'Nina New',
    });
    const joined = await nina.send('post', '/api/invitations/accept', {
      token: tokenOf(invited.body.link),
      password: 'nina chose this password',
    });
    expect(joined.body.user).toMatchObject({ email: kept, name: 'Nina New' });

    const corrected = email('omar');
    const second = await c.owner.send('post', `${c.base}/invitations`, {
      email: corrected,
      role: 'owner',
      name: 'Omar',
    });
    const omar = await c.visitor();
    const tooLong = await omar.send('post', '/api/invitations/accept', {
      token: tokenOf(second.body.link),
      password: 'omar chose this password',
      name: 'O'.repeat(81),
    });
    expect(tooLong.body.error.field).toBe('name');
    const accepted = await omar.send('post', '/api/invitations/accept', {
      token: tokenOf(second.body.link),
      password: 'omar chose this password',
      name: 'Omar Farouk',
    });
    expect(accepted.body.user.name).toBe('Omar Farouk');

    const staff = (await c.owner.get(`${c.base}/staff`)).body.staff;
    expect(staff.map((m: { name: string | null; email: string }) => m.name ?? m.email)).toEqual([
      'Nina New',
      'Olivia Owen',
      'Omar Farouk',
    ]);
  });

  it('an invitation never renames someone who already has an account; accepting, they may set their own', async () => {
    const c = await clinicWithOwner();
    const other = await makeClinic(db.prisma);
    const existing = await makeStaff(db.prisma, other.id, 'receptionist');
    await db.prisma.user.update({ where: { id: existing.userId }, data: { name: 'Priya Patel' } });
    const invited = await c.owner.send('post', `${c.base}/invitations`, {
      email: existing.email,
      role: 'receptionist',
      name: 'Somebody Else',
    });
    const priya = browserAgent(c.app);
    await priya.signIn(existing);
    await priya.send('post', '/api/invitations/accept', { token: tokenOf(invited.body.link) });
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: existing.userId } })).name).toBe('Priya Patel');

    const again = await c.owner.send('post', `${c.base}/invitations`, { email: email('q'), role: 'receptionist' });
    const quinn = await c.visitor();
    await quinn.send('post', '/api/invitations/accept', {
      token: tokenOf(again.body.link),
      password: 'quinn chose this password',
    });
    expect((await quinn.get('/api/session')).body.user.name).toBeNull();
  });

  it('a set-password link shows the name held and lets the person set it', async () => {
    const clinic = await makeClinic(db.prisma);
    const who = email('link');
    const { userId } = await addStaff(
      db.prisma,
      { clinicId: clinic.id, email: who, role: 'receptionist', name: 'Lee' },
      { type: 'operator' },
    );
    const link = await createPasswordLink(db.prisma, userId, TEST_BASE_URL, new Date());
    const browser = browserAgent(makeTestApp(db).app);
    await browser.get('/api/session');
    expect((await browser.send('post', '/api/password-links/inspect', { token: tokenOf(link) })).body).toEqual({
      email: who,
      name: 'Lee',
    });
    const used = await browser.send('post', '/api/password-links/use', {
      token: tokenOf(link),
      password: 'lee chose this password',
      name: 'Lee Chen',
    });
    expect(used.status).toBe(200);
    expect(used.body.user.name).toBe('Lee Chen');
    const audit = await db.prisma.auditEntry.findMany({ where: { actorId: userId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['staff.password_set', 'staff.name_changed']);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain('Lee');
  });

  it('names the staff on the call-back list and in the call log CSV', async () => {
    const c = await clinicWithOwner();
    const desk = await makeStaff(db.prisma, c.clinic.id, 'receptionist');
    await db.prisma.user.update({ where: { id: desk.userId }, data: { name: 'Sam Lee' } });
    const call = await db.prisma.call.create({
      data: {
        callSid: `CA${String(++seq).padStart(32, '0')}`,
        clinicId: c.clinic.id,
        fromNumber: '+447700900777',
        toNumber: c.clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date(),
        outcome: 'missed',
        answeredBy: desk.userId,
      },
    });
    const entry = await db.prisma.callBack.create({
      data: { clinicId: c.clinic.id, callId: call.id, reason: 'missed', fromNumber: call.fromNumber },
    });
    const assigned = await c.owner.send('put', `${c.base}/call-backs/${entry.id}/assignee`, { userId: desk.userId });
    expect(assigned.body.assignedTo).toEqual({ userId: desk.userId, email: desk.email, name: 'Sam Lee' });
    const list = (await c.owner.get(`${c.base}/call-backs`)).body.callBacks;
    expect(list.find((e: { id: string }) => e.id === entry.id).assignedTo).toEqual({
      userId: desk.userId,
      email: desk.email,
      name: 'Sam Lee',
    });
    const csv = (await c.owner.get(`${c.base}/calls.csv`)).text.trim().split('\n');
    expect(csv.find((line) => line.includes(call.callSid))).toContain(',Sam Lee,');
  });
});
