// Who may call what: every route the source declares, called as anonymous, a
// receptionist, an owner and a member of another clinic, and each answer checked.
import request from 'supertest';
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { declaredRoutes, type DeclaredRoute } from '../helpers/routes.js';

type Who = 'anonymous' | 'receptionist' | 'owner' | 'other clinic';
const WHO: Who[] = ['anonymous', 'receptionist', 'owner', 'other clinic'];
const MADE_UP = '0190f0f0-0000-7000-8000-000000000000';

/** What each caller must get; `null` means "not refused for who they are" (a made-up id may still be 404, an empty body 400). */
function expected(route: DeclaredRoute, who: Who): number | 'allowed' {
  if (route.router === 'twilioRoutes') return route.path === '/twilio/fallback' ? 200 : 403; // no signature, whoever you are
  if (route.router === 'publicFeedRoutes') return 404; // a made-up calendar token
  // Signing in and set-password links are for everyone; one's own profile is for the signed in.
  if (route.router === 'accountRoutes')
    return route.path === '/api/session/profile' && who === 'anonymous' ? 401 : 'allowed';
  if (route.router === 'staffRoutes') return who === 'anonymous' ? 401 : 'allowed';
  // Everything under a clinic.
  if (who === 'anonymous') return 401;
  if (who === 'other clinic') return 404;
  if (who === 'receptionist' && route.ownerOnly) return 403;
  return 'allowed';
}

// The owners' routes, written out: a route that gains or loses its owner guard shows up here, on purpose.
const OWNER_ONLY = [
  'DELETE ',
  'DELETE /closures/:closureId',
  'DELETE /invitations/:invitationId',
  'DELETE /patients/:patientId',
  'DELETE /recordings/:recordingId/hold',
  'DELETE /staff/:userId',
  'GET /audit',
  'GET /audit.csv',
  'GET /calendar-feeds',
  'GET /export.zip',
  'GET /invitations',
  'GET /patients/:patientId/erasure',
  'GET /patients/:patientId/export',
  'GET /patients/:patientId/export.zip',
  'GET /retention',
  'GET /setup',
  'GET /staff',
  'GET /statistics',
  'GET /statistics.csv',
  'GET /statistics/nhs.csv',
  'PATCH ',
  'PATCH /appointment-types/:typeId',
  'PATCH /booking-rules',
  'PATCH /calendar-feeds/:feedId',
  'PATCH /practitioners/:practitionerId',
  'PATCH /staff/:userId',
  'POST /appointment-types',
  'POST /calendar-feeds/:feedId/regenerate',
  'POST /closures',
  'POST /invitations',
  'POST /practitioners',
  'POST /recordings/:recordingId/hold',
  'PUT /opening-hours',
  'PUT /practitioners/:practitionerId/hours',
];

describe("The authorisation matrix: every route × anonymous, receptionist, owner, another clinic's member", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  it('answers each caller as it should, and never lets one in where they do not belong', async () => {
    const { clinic } = await makeDiary(db.prisma);
    const other = await makeClinic(db.prisma);
    // Browser answering configured, so its routes answer for real (Twilio itself is never reached: every id is made up).
    const { app } = makeTestApp(db, {
      env: {
        TWILIO_API_KEY: 'SK' + 'b'.repeat(32),
        TWILIO_API_SECRET: 'secret-for-the-matrix-0123456789',
        TWILIO_TWIML_APP_SID: 'AP' + 'c'.repeat(32),
        TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
      },
    });
    const agents = {
      anonymous: browserAgent(app),
      receptionist: browserAgent(app),
      owner: browserAgent(app),
      'other clinic': browserAgent(app),
    };
    await agents.anonymous.get('/api/session');
    await agents.receptionist.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    await agents.owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    await agents['other clinic'].signIn(await makeStaff(db.prisma, other.id, 'owner'));

    // Signing out would end the callers' sessions mid-test; it is covered by the session tests.
    const routes = declaredRoutes().filter((r) => !(r.method === 'delete' && r.path === '/api/session'));
    expect(routes.length).toBeGreaterThan(90);
    expect(
      routes
        .filter((r) => r.ownerOnly)
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace('/api/clinics/:clinicId', '')}`)
        .sort(),
    ).toEqual(OWNER_ONLY);
    const wrong: string[] = [];
    for (const route of routes) {
      const url = route.path.replace(':clinicId', clinic.id).replace(/:\w+/g, MADE_UP);
      for (const who of WHO) {
        const agent = agents[who];
        const res =
          route.router === 'twilioRoutes'
            ? await request(app)
                .post(url)
                .type('form')
                .send({ CallSid: 'CA' + '0'.repeat(32) })
            : route.method === 'get'
              ? await agent.get(url)
              : await agent.send(route.method, url, {});
        const want = expected(route, who);
        const ok =
          want === 'allowed'
            ? ![401, 403].includes(res.status) && res.status < 500 && res.body?.error?.message !== 'No such clinic'
            : res.status === want &&
              (want !== 404 ||
                !route.path.startsWith('/api/clinics/') ||
                res.body?.error?.message === 'No such clinic');
        if (!ok)
          wrong.push(
            `${route.method.toUpperCase()} ${route.path} as ${who}: ${res.status} ${res.body?.error?.message ?? ''} (expected ${want})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
