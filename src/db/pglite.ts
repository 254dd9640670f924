import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

// btree_gist backs the diary's no-double-booking exclusion constraint; every
// PGlite we make (main and migration shadow) must have it.
const extensions = { btree_gist };

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
