// A benchmark's own PostgreSQL database: created and migrated for it, dropped after.
import pg from 'pg';
import { type Database, openPostgresDatabase } from '../src/db/database.js';

/**
 * Runs `work` on a fresh migrated database named after the benchmark; resolves to null
 * (with a warning saying how to point it at one) when no PostgreSQL answers.
 */
export async function withBenchDatabase<T>(
  label: string,
  poolSize: number,
  work: (db: Database) => Promise<T>,
): Promise<T | null> {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `clinic_${label.replace(/\W/g, '_')}_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.warn(
      `${label} benchmark skipped: no PostgreSQL at ${adminUrl} (${(err as Error).message}); set BENCH_DATABASE_URL`,
    );
    return null;
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgresDatabase(url.toString(), { poolSize });
  try {
    await db.migrate();
    return await work(db);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
