import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';

/** Every route the source guards with requireOwner, read from the route files so a new one is covered without editing this test. */
function ownerRoutes(): Array<{ method: 'get' | 'post' | 'patch' | 'put' | 'delete'; path: string }> {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('generated'));
  return files.flatMap((file) =>
    [...readFileSync(path.join('src', file), 'utf8').matchAll(/router\.(get|post|patch|put|delete)\('([^']*)', requireOwner/g)].map((m) => ({ method: m[1] as 'get', path: m[2]! })),
  );
}

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
    const routes = ownerRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(19);
    const before = { audit: await db.prisma.auditEntry.count({ where: { clinicId: clinic.id } }), clinic: await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } }) };

    const urlOf = (route: { path: string }) => `/api/clinics/${clinic.id}${route.path === '/' ? '' : route.path.replace(/:\w+/g, patel.id)}`;
    const refused = [];
    for (const route of routes) {
      const res = route.method === 'get' ? await desk.get(urlOf(route)) : await desk.send(route.method, urlOf(route), { name: 'Changed', role: 'owner', hours: [] });
      if (res.status !== 403) refused.push(`${route.method.toUpperCase()} ${route.path} answered ${res.status}`);
    }
    expect(refused).toEqual([]);
    expect(await db.prisma.auditEntry.count({ where: { clinicId: clinic.id } })).toBe(before.audit);
    expect(await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).toEqual(before.clinic);
    expect(await db.prisma.practitioner.findUniqueOrThrow({ where: { id: patel.id } })).toMatchObject({ name: patel.name });

    // The same requests from an owner are not refused for their role (a made-up id may be 404, an empty body 400).
    for (const route of routes) {
      const res = route.method === 'get' ? await owner.get(urlOf(route)) : await owner.send(route.method, urlOf(route), {});
      expect([route.path, res.status]).not.toEqual([route.path, 403]);
    }
  });
});
