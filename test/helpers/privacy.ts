import type { Database } from '../../src/db/database.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { openTranscript } from '../../src/recordings/transcripts.js';

/**
 * Every row, in every table and text, JSON, array or byte column, that contains one of
 * `needles` — for "nothing names them" checks. With `recordingsKey`, voicemails'
 * transcripts (sealed with their clinic's key) are opened and searched too.
 */
export async function rowsMentioning(
  db: Database,
  needles: string[],
  options: { recordingsKey?: Buffer } = {},
): Promise<string[]> {
  const columns = await db.sql<{ table: string; column: string; type: string }>(
    `SELECT table_name AS "table", column_name AS "column", data_type AS "type" FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'date', 'uuid', 'bytea', 'ARRAY')`,
  );
  expect(columns.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const { table, column, type } of columns) {
    // Bytes are searched as written (a name stored unsealed would show); sealed ones show nothing.
    const asText = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`;
    for (const needle of needles) {
      const [row] = await db.sql<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM "${table}" WHERE ${asText} ILIKE $1`,
        [`%${needle}%`],
      );
      if (row!.n > 0) found.push(`${table}.${column} contains ${needle} (${row!.n})`);
    }
  }
  if (options.recordingsKey) {
    const sealed = await db.prisma.recording.findMany({
      where: { transcript: { not: null } },
      select: { id: true, clinicId: true, transcript: true },
    });
    for (const needle of needles) {
      let n = 0;
      for (const r of sealed) {
        const key = await clinicDataKey(db.prisma, options.recordingsKey, r.clinicId);
        if (openTranscript(key, r.transcript!, r.id).toLowerCase().includes(needle.toLowerCase())) n++;
      }
      if (n > 0) found.push(`Recording.transcript (opened) contains ${needle} (${n})`);
    }
  }
  // In a fixed order: the catalogue lists columns in no particular one.
  return found.sort();
}
