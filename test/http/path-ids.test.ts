// A malformed id in a URL is answered as a missing one, on every route: 404 "No such …",
// as another clinic's id is, and before the body is looked at. (Some routes answered
// 400 naming the parameter, others 404; issue 18 made them one.)
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';
import { declaredRoutes } from '../helpers/routes.js';

const MALFORMED = ['not-an-id', '1', '0190f0f0-0000-7000-8000-00000000000g', 'CA' + 'z'.repeat(32)];

describe('Ids in the path', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('a malformed one is "No such …" (404) on every route that takes one, and changes nothing', async () => {
    const { clinic } = await makeDiary(db.prisma);
    const { app } = makeTestApp(db);
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const routes = declaredRoutes().filter(
      (r) => r.path.startsWith('/api/clinics/:clinicId/') && /:(?!clinicId)\w+/.test(r.path),
    );
    expect(routes.length).toBeGreaterThan(25);
    const before = await db.prisma.auditEntry.count();
    const wrong: string[] = [];
    for (const route of routes) {
      for (const id of MALFORMED) {
        const url = route.path.replace(':clinicId', clinic.id).replace(/:\w+/g, encodeURIComponent(id));
        const res = route.method === 'get' ? await owner.get(url) : await owner.send(route.method, url, {});
        if (
          res.status !== 404 ||
          res.body?.error?.code !== 'not_found' ||
          !/^No such /.test(res.body?.error?.message ?? '')
        ) {
          wrong.push(
            `${route.method.toUpperCase()} ${route.path} with ${id}: ${res.status} ${JSON.stringify(res.body?.error)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await db.prisma.auditEntry.count()).toBe(before);
  });
});
