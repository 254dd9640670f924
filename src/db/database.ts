import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import type { Database, SqlQuery } from '../core/database.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { breathe } from './breathe.js';
import { applyMigrations, hasPendingMigrations } from './migrations.js';

// A burst (a thousand receptionists' clicks on one slot) queues for a connection
// rather than failing after Prisma's default 2 s; a transaction still ends within 15 s.
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

export type { Database, Prisma, SqlQuery } from '../core/database.js';

const sqlText = (query: SqlQuery) => (typeof query === 'string' ? query : query.text);

/** An embedded PostgreSQL (PGlite) in a folder, or in memory with "memory://". */
export async function openEmbeddedDatabase(
  source: { dataDir: string } | { loadDataDir: Blob },
): Promise<Database & { pglite: PGlite }> {
  // Loaded here, not at the top: an instance on PostgreSQL never pays for PGlite.
  const { createPGlite, pgliteAdapterFactory } = await import('./pglite.js');
  const pglite = await createPGlite(source);
  const adapter = pgliteAdapterFactory(pglite);
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  const parsers = { [TIMESTAMP_OID]: parseUtcTimestamp };
  return {
    kind: 'embedded',
    prisma,
    pglite,
    sql: async <T>(query: SqlQuery, values: unknown[] = []) =>
      (await pglite.query<T>(sqlText(query), values.map(toSqlValue), { parsers })).rows,
    // One process owns the folder (see datadir-lock.ts), so no database lock is needed.
    migrate: async () => ((await hasPendingMigrations(rawQuery(prisma))) ? applyMigrations(adapter) : []),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    refreshStatistics: async () => {
      const tables = await pglite.query<{ name: string }>(
        `SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'public'`,
      );
      // A fifth of PostgreSQL's default sample: plenty for these plans, and each table's turn stays short.
      await pglite.exec('SET default_statistics_target = 20');
      for (const { name } of tables.rows) {
        await pglite.exec(`ANALYZE "${name.replace(/"/g, '""')}"`);
        await breathe();
      }
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
  // One pool serves Prisma and plain SQL; Prisma's adapter brings its own type parsers per query.
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === TIMESTAMP_OID
          ? parseUtcTimestamp
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A dropped idle connection (the database restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  return {
    kind: 'postgres',
    prisma,
    sql: async <T>(query: SqlQuery, values: unknown[] = []) =>
      (await pool.query({ ...(typeof query === 'string' ? { text: query } : query), values: values.map(toSqlValue) }))
        .rows as T[],
    migrate: async () =>
      (await hasPendingMigrations(rawQuery(prisma)))
        ? withAdvisoryLock(connectionString, MIGRATION_LOCK_KEY, () =>
            applyMigrations(migrationAdapter(connectionString)),
          )
        : [],
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    refreshStatistics: async () => undefined, // autovacuum's work
    poolUse: () => ({
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max,
    }),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// `timestamp` without time zone, Prisma's DateTime: its digits are UTC.
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
// Both drivers would write a Date in the process's local time; the column wants UTC digits.
const toSqlValue = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

const rawQuery = (prisma: PrismaClient) => (sql: string) =>
  prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(sql);

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
