// The Diary's day for a large clinic, on PostgreSQL: 50 practitioners, 1,000 appointments
// that day. (1) The API's work — diaryView and its JSON — against the raw SQL of the same
// rows (appointments with their names, closures, practitioners with their hours) in the
// same run, interleaved, median (goal: at most twice). (2) In Debian's Chromium, the time
// from choosing that day to its 1,000 appointments drawn, against choosing an empty day
// (the same 50 columns, no appointments), median of alternating runs (goal: at most 1.5×).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { diaryView } from '../src/diary/appointments.js';
import { attachLiveHub } from '../src/live/hub.js';
import { makeTestApp, testClock } from '../test/helpers/app.js';
import { makeStaff } from '../test/helpers/fixtures.js';
import { CHROMIUM_ARGS, signedInPage } from '../test/helpers/pages.js';
import { withBenchDatabase } from './postgres.js';
import type { Figure } from './run.js';
import { interleaved, median } from './timing.js';

const PRACTITIONERS = 50;
const PER_PRACTITIONER = 20; // 08:00–18:00 in half hours
const ROUNDS = 300;
const BROWSER_ROUNDS = 7;
const DAY = '2027-06-08';
const EMPTY_DAY = '2027-06-09';

export async function dayViewBenchmarks(): Promise<Figure[]> {
  const result = await withBenchDatabase('day-view', 4, async (db): Promise<Figure[]> => {
    const [clinic] = await db.sql<{ id: string }>(
      `INSERT INTO "Clinic" ("id", "name", "timeZone") VALUES (gen_random_uuid(), 'Bench Clinic', 'Europe/London') RETURNING "id"::text AS "id"`,
    );
    const clinicId = clinic!.id;
    await db.sql(
      `INSERT INTO "Practitioner" ("id", "clinicId", "name", "spokenName")
       SELECT gen_random_uuid(), $1::uuid, 'Practitioner ' || lpad(g::text, 2, '0'), 'P' || g FROM generate_series(1, ${PRACTITIONERS}) g`,
      [clinicId],
    );
    await db.sql(
      `INSERT INTO "WorkingHours" ("id", "practitionerId", "weekday", "startMinute", "endMinute")
       SELECT gen_random_uuid(), p."id", d, 480, 1080 FROM "Practitioner" p, generate_series(1, 5) d WHERE p."clinicId" = $1::uuid`,
      [clinicId],
    );
    const [type] = await db.sql<{ id: string }>(
      `INSERT INTO "AppointmentType" ("id", "clinicId", "name", "durationMinutes") VALUES (gen_random_uuid(), $1::uuid, 'Check-up', 30) RETURNING "id"::text AS "id"`,
      [clinicId],
    );
    await db.sql(
      `INSERT INTO "Patient" ("id", "clinicId", "name", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, 'Patient ' || g, now() FROM generate_series(1, ${PRACTITIONERS * PER_PRACTITIONER}) g`,
      [clinicId],
    );
    // Each practitioner's day full, half hour after half hour (07:00Z is 08:00 BST).
    await db.sql(
      `WITH p AS (SELECT "id", row_number() OVER (ORDER BY "name") - 1 AS n FROM "Practitioner" WHERE "clinicId" = $1::uuid),
            pt AS (SELECT "id", row_number() OVER (ORDER BY "name") - 1 AS n FROM "Patient" WHERE "clinicId" = $1::uuid)
       INSERT INTO "Appointment" ("id", "clinicId", "practitionerId", "patientId", "typeId", "startsAt", "endsAt", "blockedUntil", "source")
       SELECT gen_random_uuid(), $1::uuid, p."id", pt."id", $2::uuid,
         $3::timestamp + (s * 30 || ' minutes')::interval, $3::timestamp + (s * 30 + 30 || ' minutes')::interval,
         $3::timestamp + (s * 30 + 30 || ' minutes')::interval, 'dashboard'
       FROM p, generate_series(0, ${PER_PRACTITIONER - 1}) s JOIN pt ON true
       WHERE pt.n = p.n * ${PER_PRACTITIONER} + s`,
      [clinicId, type!.id, new Date(`${DAY}T07:00:00Z`)],
    );
    await db.sql('ANALYZE');
    const [{ n } = { n: 0 }] = await db.sql<{ n: number }>(`SELECT count(*)::int AS n FROM "Appointment"`);
    if (n !== PRACTITIONERS * PER_PRACTITIONER) throw new Error(`expected 1,000 appointments, made ${n}`);

    // (1) The API's work against the raw SQL of the same rows.
    const clinicRef = { id: clinicId, timeZone: 'Europe/London' };
    const api = async () => JSON.stringify(await diaryView(db, clinicRef, { date: DAY, view: 'day' }));
    const from = new Date(`${DAY}T00:00:00+01:00`);
    const to = new Date(`${EMPTY_DAY}T00:00:00+01:00`);
    const raw = () =>
      Promise.all([
        db.sql(
          `SELECT a.*, pa."name" AS "patientName", t."name" AS "typeName", pr."name" AS "practitionerName"
           FROM "Appointment" a JOIN "Patient" pa ON pa."id" = a."patientId" JOIN "AppointmentType" t ON t."id" = a."typeId"
           JOIN "Practitioner" pr ON pr."id" = a."practitionerId"
           WHERE a."clinicId" = $1::uuid AND a."startsAt" >= $2 AND a."startsAt" < $3 AND a."status" <> 'cancelled'
           ORDER BY a."startsAt", a."id"`,
          [clinicId, from, to],
        ),
        db.sql(`SELECT * FROM "Closure" WHERE "clinicId" = $1::uuid AND "startsAt" < $3 AND "endsAt" > $2`, [
          clinicId,
          from,
          to,
        ]),
        db.sql(
          `SELECT p."id", p."name", w."weekday", w."startMinute", w."endMinute" FROM "Practitioner" p
           LEFT JOIN "WorkingHours" w ON w."practitionerId" = p."id" WHERE p."clinicId" = $1::uuid AND p."active" ORDER BY p."name", p."id"`,
          [clinicId],
        ),
      ]);
    for (let i = 0; i < 20; i++) await Promise.all([api(), raw()]); // warm
    const { ours, baseline } = await interleaved(ROUNDS, api, raw);
    const figures: Figure[] = [
      {
        figure: `the day's diary, ${PRACTITIONERS} practitioners, 1,000 appointments: API (median)`,
        value: median(ours),
        unit: 'ms',
        baseline: median(baseline),
        baselineLabel: 'raw SQL of the same rows',
        goal: { max: 2, of: 'ratio' },
      },
    ];

    // (2) The browser's time to a drawn day, against an empty day, on the same server.
    const browserPath = process.env.TEST_BROWSER ?? '/usr/bin/chromium';
    const testApp = makeTestApp(db, { clock: testClock(new Date(`${DAY}T06:00:00Z`)) });
    const server = http.createServer(testApp.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hub = await attachLiveHub(server, testApp.ctx);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
    try {
      const errors: string[] = [];
      const page = await signedInPage(browser, base, await makeStaff(db.prisma, clinicId, 'receptionist'), errors);
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.clock.setFixedTime(new Date(`${DAY}T06:00:00Z`));
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Diary' }).click();
      const calendar = page.getByRole('region', { name: 'Calendar' });
      await calendar.waitFor();
      const appointments = calendar.locator('.calendar-appointment');
      /** Milliseconds from choosing `date` to its calendar drawn with `count` appointments. */
      const show = async (date: string, count: number) => {
        const start = Date.now();
        await page.getByLabel('Date').fill(date);
        await page.waitForFunction(
          ([d, c, columns]) => {
            // Typed by hand: this compiles without the DOM's types (the page's CSP refuses a string to evaluate).
            const doc = (
              globalThis as unknown as {
                document: {
                  querySelector(s: string): { value?: string } | null;
                  querySelectorAll(s: string): { length: number };
                };
              }
            ).document;
            return (
              doc.querySelector('.date-field input')?.value === d &&
              doc.querySelectorAll('.calendar-appointment').length === c &&
              doc.querySelectorAll('.calendar-column').length === columns
            );
          },
          [date, count, PRACTITIONERS] as const,
          { timeout: 30_000, polling: 'raf' },
        );
        return Date.now() - start;
      };
      const full: number[] = [];
      const empty: number[] = [];
      await show(DAY, n);
      await show(EMPTY_DAY, 0); // warm
      for (let i = 0; i < BROWSER_ROUNDS; i++) {
        empty.push(await show(EMPTY_DAY, 0));
        full.push(await show(DAY, n));
      }
      if ((await appointments.count()) !== n) throw new Error('the day was not drawn');
      if (errors.length) throw new Error(errors.join('\n'));
      figures.push({
        figure: `the day drawn in Chromium, ${PRACTITIONERS} columns, 1,000 appointments (median)`,
        value: median(full),
        unit: 'ms',
        baseline: median(empty),
        baselineLabel: 'the same columns, an empty day',
        goal: { max: 1.5, of: 'ratio' },
      });
    } finally {
      await browser.close();
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    return figures;
  });
  return result ?? [];
}
