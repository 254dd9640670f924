import type { Database } from '../../src/db/database.js';

/** Every row, in every table and text, JSON or array column, that contains one of `needles` — for "nothing names them" checks. */
export async function rowsMentioning(db: Database, needles: string[]): Promise<string[]> {
  const columns = await db.sql<{ table: string; column: string }>(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'date', 'uuid', 'ARRAY')`,
  );
  expect(columns.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const { table, column } of columns) {
    for (const needle of needles) {
      const [row] = await db.sql<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM "${table}" WHERE "${column}"::text ILIKE $1`,
        [`%${needle}%`],
      );
      if (row!.n > 0) found.push(`${table}.${column} contains ${needle} (${row!.n})`);
    }
  }
  // In a fixed order: the catalogue lists columns in no particular one.
  return found.sort();
}
