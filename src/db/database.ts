import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, hasPendingMigrations } from './migrations.js';
import { createPGlite, pgliteAdapterFactory } from './pglite.js';

export type Prisma = PrismaClient;

/** The service's database, whichever kind: one Prisma client plus what start-up and shutdown need. */
export interface Database {
  readonly kind: 'embedded' | 'postgres';
  readonly prisma: PrismaClient;
  /** Applies pending migrations, once across instances starting together. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An embedded PostgreSQL (PGlite) in a folder, or in memory with "memory://". */
export async function openEmbeddedDatabase(source: { dataDir: string } | { loadDataDir: Blob }): Promise<Database & { pglite: PGlite }> {
  const pglite = await createPGlite(source);
  const adapter = pgliteAdapterFactory(pglite);
  const prisma = new PrismaClient({ adapter });
  return {
    kind: 'embedded',
    prisma,
    pglite,
    // One process owns the folder (see datadir-lock.ts), so no database lock is needed.
    migrate: async () => ((await hasPendingMigrations(rawQuery(prisma))) ? applyMigrations(adapter) : []),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

// Any fixed number: every instance of this service takes the same advisory lock.
const MIGRATION_LOCK_KEY = 7_263_551_022;

export function openPostgresDatabase(connectionString: string, options: { poolSize?: number } = {}): Database {
  // A database that stops answering must fail requests, not hang them (pg waits forever by default).
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString, max: options.poolSize ?? 10, connectionTimeoutMillis: 5_000 }) });
  return {
    kind: 'postgres',
    prisma,
    migrate: async () =>
      (await hasPendingMigrations(rawQuery(prisma)))
        ? withAdvisoryLock(connectionString, MIGRATION_LOCK_KEY, () => applyMigrations(migrationAdapter(connectionString)))
        : [],
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => prisma.$disconnect(),
  };
}

const rawQuery = (prisma: PrismaClient) => (sql: string) => prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(sql);

function migrationAdapter(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPg({ connectionString, max: 1 });
}

/** Holds a session-level advisory lock on its own connection; a crashed holder's lock dies with its connection. */
async function withAdvisoryLock<T>(connectionString: string, key: number, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    return await work();
  } finally {
    await client.end().catch(() => undefined);
  }
}
