import { uuid7 } from '../../src/db/uuid7.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { databaseKinds } from '../helpers/services.js';

describe.each(databaseKinds())('Plain SQL on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  it('reads and writes DateTime columns as UTC, like Prisma, whatever the process time zone', async () => {
    const at = new Date('2027-03-14T06:30:00.250Z');
    // Both drivers read and write timestamps in the process's zone unless told otherwise;
    // global set-up runs the tests far from UTC so that a mistake shows.
    expect(at.getTimezoneOffset()).not.toBe(0);
    const [written] = await db.sql<{ id: string }>(
      `INSERT INTO "Clinic" ("id", "name", "timeZone", "createdAt") VALUES ($1::uuid, 'Plain', 'Europe/London', $2) RETURNING "id"::text AS "id"`,
      [uuid7(), at],
    );
    const viaPrisma = await db.prisma.clinic.findUniqueOrThrow({ where: { id: written!.id } });
    expect(viaPrisma.createdAt.toISOString()).toBe(at.toISOString());
    const [read] = await db.sql<{ createdAt: Date }>(
      { name: 'read-clinic', text: `SELECT "createdAt" FROM "Clinic" WHERE "id" = $1::uuid` },
      [written!.id],
    );
    expect(read!.createdAt.toISOString()).toBe(at.toISOString());
  });
});

describe('uuid7', () => {
  it('is a version 7, RFC 9562 variant UUID whose order follows its time', () => {
    const a = uuid7(Date.parse('2027-01-01T00:00:00Z'));
    const b = uuid7(Date.parse('2027-01-01T00:00:00.001Z'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(parseInt(a.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(uuid7()).not.toBe(uuid7());
  });

  it('never repeats its random part, across the refills of its pool of random bytes', () => {
    const at = Date.parse('2027-01-01T00:00:00Z');
    const ids = Array.from({ length: 2_000 }, () => uuid7(at)); // one millisecond: only the random part differs
    expect(new Set(ids).size).toBe(ids.length);
    const randomParts = new Set(ids.map((id) => id.replace(/-/g, '').slice(13)));
    expect(randomParts.size).toBe(ids.length);
  });
});
