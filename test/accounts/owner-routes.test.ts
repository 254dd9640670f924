import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { declaredRoutes } from '../helpers/routes.js';

describe('Owner routes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('answer a receptionist 403 on every one and change nothing, while an owner gets through', async () => {
    const { clinic, patel } = await makeDiary(db.prisma);
    const { app } = makeTestApp(db);
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const routes = declaredRoutes().filter((r) => r.ownerOnly);
    expect(routes.length).toBeGreaterThanOrEqual(19);
    const before = {
      audit: await db.prisma.auditEntry.count({ where: { clinicId: clinic.id } }),
      clinic: await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } }),
    };

    const urlOf = (route: { path: string }) => route.path.replace(':clinicId', clinic.id).replace(/:\w+/g, patel.id);
    const refused = [];
    for (const route of routes) {
      const res =
        route.method === 'get'
          ? await desk.get(urlOf(route))
          : await desk.send(route.method, urlOf(route), { name: 'Changed', role: 'owner', hours: [] });
      if (res.status !== 403) refused.push(`${route.method.toUpperCase()} ${route.path} answered ${res.status}`);
    }
    expect(refused).toEqual([]);
    expect(await db.prisma.auditEntry.count({ where: { clinicId: clinic.id } })).toBe(before.audit);
    expect(await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).toEqual(before.clinic);
    expect(await db.prisma.practitioner.findUniqueOrThrow({ where: { id: patel.id } })).toMatchObject({
      name: patel.name,
    });

    // The same requests from an owner are not refused for their role (a made-up id may be 404, an empty body 400).
    for (const route of routes) {
      const res =
        route.method === 'get' ? await owner.get(urlOf(route)) : await owner.send(route.method, urlOf(route), {});
      expect([route.path, res.status]).not.toEqual([route.path, 403]);
    }
  });
});
