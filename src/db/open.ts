import path from 'node:path';
import type { Config } from '../config.js';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from './database.js';
import { lockDataDir } from './datadir-lock.js';

/** The database the configuration names: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR (locked to this process). */
export async function openConfiguredDatabase(config: Config, options: { holder: 'server' | 'cli' }): Promise<Database> {
  if (config.databaseUrl) return openPostgresDatabase(config.databaseUrl);
  const release = await lockDataDir(config.dataDir, options.holder);
  try {
    const db = await openEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'pglite') });
    return {
      ...db,
      close: async () => {
        await db.close();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
