import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Owners manage their staff (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  async function clinicWithOwner() {
    const clinic = await makeClinic(db.prisma);
    const { app } = makeTestApp(db);
    const owner = await makeStaff(db.prisma, clinic.id, 'owner');
    const browser = browserAgent(app);
    await browser.signIn(owner);
    return { clinic, app, owner, browser, staffUrl: `/api/clinics/${clinic.id}/staff` };
  }

  // Inviting is in invitations.test.ts: nobody joins a clinic without accepting.

  it('a receptionist cannot manage staff', async () => {
    const { clinic, app, owner, staffUrl } = await clinicWithOwner();
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const browser = browserAgent(app);
    await browser.signIn(desk);
    expect(
      (await browser.send('post', `/api/clinics/${clinic.id}/invitations`, { email: 'x@clinic.test', role: 'owner' }))
        .status,
    ).toBe(403);
    expect((await browser.send('patch', `${staffUrl}/${desk.userId}`, { role: 'owner' })).status).toBe(403);
    expect((await browser.send('delete', `${staffUrl}/${owner.userId}`)).status).toBe(403);
    expect(
      await db.prisma.membership.findUniqueOrThrow({
        where: { userId_clinicId: { userId: desk.userId, clinicId: clinic.id } },
      }),
    ).toMatchObject({ role: 'receptionist' });
  });

  it('roles change; the last owner can be neither demoted nor removed; a removed person is signed out', async () => {
    const { clinic, app, owner, browser, staffUrl } = await clinicWithOwner();
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    expect(
      (await browser.send('patch', `${staffUrl}/${owner.userId}`, { role: 'receptionist' })).body.error,
    ).toMatchObject({ code: 'last_owner' });
    expect((await browser.send('delete', `${staffUrl}/${owner.userId}`)).status).toBe(409);
    expect((await browser.send('patch', `${staffUrl}/${desk.userId}`, { role: 'owner' })).status).toBe(200);
    expect((await browser.send('patch', `${staffUrl}/${desk.userId}`, { role: 'receptionist' })).status).toBe(200);

    const deskBrowser = browserAgent(app);
    await deskBrowser.signIn(desk);
    expect((await browser.send('delete', `${staffUrl}/${desk.userId}`)).status).toBe(204);
    expect((await deskBrowser.get('/api/session')).body.user).toBeNull();
    expect((await browser.send('delete', `${staffUrl}/${desk.userId}`)).status).toBe(404);
    expect(
      await db.prisma.auditEntry.count({
        where: { clinicId: clinic.id, action: { in: ['staff.role_changed', 'staff.removed'] } },
      }),
    ).toBe(3);
  });

  it('two owners removing each other at once leave the clinic with one owner', async () => {
    const { clinic, app, owner, browser } = await clinicWithOwner();
    const second = await makeStaff(db.prisma, clinic.id, 'owner');
    const other = browserAgent(app);
    await other.signIn(second);
    const results = await Promise.all([
      browser.send('delete', `/api/clinics/${clinic.id}/staff/${second.userId}`),
      other.send('delete', `/api/clinics/${clinic.id}/staff/${owner.userId}`),
    ]);
    // One removal wins; the other is refused (the last owner, or no longer allowed to ask).
    expect(results.filter((r) => r.status === 204)).toHaveLength(1);
    expect(results.every((r) => [204, 401, 403, 404, 409].includes(r.status))).toBe(true);
    expect(await db.prisma.membership.count({ where: { clinicId: clinic.id, role: 'owner' } })).toBe(1);
  });
});
