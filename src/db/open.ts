import path from 'node:path';
import type { DatabaseConfig } from '../core/config.js';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from './database.js';
import { lockDataDir } from './datadir-lock.js';
import { makePrivate } from './private-files.js';

/**
 * The database the configuration names: PostgreSQL with DATABASE_URL, else PGlite in
 * DATA_DIR (locked to this process, and made private to this user: `onTightened` hears
 * how many files an older version had left readable by others).
 */
export async function openConfiguredDatabase(
  config: DatabaseConfig,
  options: { holder: 'server' | 'cli'; onTightened?: (files: number) => void },
): Promise<Database> {
  if (config.databaseUrl) return openPostgresDatabase(config.databaseUrl);
  const release = await lockDataDir(config.dataDir, options.holder);
  try {
    const tightened = await makePrivate(config.dataDir);
    if (tightened > 0) options.onTightened?.(tightened);
    const db = await openEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'pglite') });
    // A new database's files come out of PGlite's bundle readable by everyone.
    await makePrivate(config.dataDir);
    return {
      ...db,
      close: async () => {
        await db.close();
        // PGlite rewrites some files readable by everyone as it runs (its relation cache); tidy them before letting go.
        await makePrivate(config.dataDir).catch(() => 0);
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
