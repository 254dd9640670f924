import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

// btree_gist backs the diary's no-double-booking exclusion constraint; unaccent and
// pg_trgm the accent- and case-insensitive patient search and its index. Every PGlite
// we make (main and migration shadow) must have them.
const extensions = { btree_gist, pg_trgm, unaccent };

/** Opens (or creates) an embedded PostgreSQL in `dataDir`, or in memory for "memory://". */
export async function createPGlite(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<PGlite> {
  return PGlite.create({ ...options, extensions });
}

/**
 * The community PGlite adapter, with two repairs the migration engine needs:
 * its executeScript does not wait for the script (so a failing migration would be
 * recorded as applied), and its shadow database lacks our extensions.
 */
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(pglite);
  const repair = (adapter: SqlDriverAdapter, client: PGlite): SqlDriverAdapter => {
    adapter.executeScript = async (script: string) => {
      await client.exec(script);
    };
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => repair(await inner.connect(), pglite),
    connectToShadowDb: async () => {
      const shadow = await createPGlite();
      const adapter = repair(await new PrismaPGlite(shadow).connect(), shadow);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await shadow.close();
      };
      return adapter;
    },
  };
}
