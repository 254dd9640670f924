import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from '../../src/db/database.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN } from './app.js';
import { withAdminClient, withDatabase } from './postgres-admin.js';

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

/** A clean, migrated database of the given kind, for one test file. */
export async function openTestDatabase(kind: 'embedded' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const dump = await readFile(process.env.TEST_PGLITE_TEMPLATE!);
    const db = await openEmbeddedDatabase({ loadDataDir: new Blob([dump]) });
    return { ...db, drop: db.close };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const template = process.env.TEST_PG_TEMPLATE!;
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(admin, (c) => createFromTemplate(c, name, template));
  const url = withDatabase(admin, name);
  const db = openPostgresDatabase(url, { poolSize: 4 });
  return {
    ...db,
    url,
    drop: async () => {
      await db.close();
      await withAdminClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * The database the operator's command line works on, for a test to look at: PostgreSQL,
 * open all along, or the embedded one in `dataDir`, which a command holds while it runs,
 * so it is opened only in between commands.
 */
export async function inOperatorsDatabase<T>(
  where: { postgres?: Database; dataDir?: string },
  work: (db: Database) => Promise<T>,
): Promise<T> {
  if (where.postgres) return work(where.postgres);
  const db = await openEmbeddedDatabase({ dataDir: path.join(where.dataDir!, 'pglite') });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** A fresh, empty (unmigrated) PostgreSQL database: for start-up and migration tests. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `${process.env.TEST_PG_TEMPLATE}_empty_${randomBytes(4).toString('hex')}`;
  await withAdminClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: withDatabase(admin, name),
    drop: () =>
      withAdminClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

// Two workers cloning the template at the same instant can collide ("source database is being accessed").
async function createFromTemplate(client: import('pg').Client, name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (err) {
      if (attempt >= 10 || !/being accessed by other users/.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

/**
 * A test database and a Twilio stand-in for one describe block: made before its
 * tests, removed after. Read them inside tests (`world.db`, `world.standin`).
 */
export function databaseAndStandin(
  kind: 'embedded' | 'postgres',
  accountSid: string,
): { db: TestDatabase; standin: TwilioStandin } {
  const world = {} as { db: TestDatabase; standin: TwilioStandin };
  beforeAll(async () => {
    world.db = await openTestDatabase(kind);
    world.standin = new TwilioStandin(accountSid, { authToken: TEST_AUTH_TOKEN });
    await world.standin.start();
  });
  afterAll(async () => {
    await world.standin?.stop();
    await world.db?.drop();
  });
  return world;
}
