import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedDatabase, openPostgresDatabase } from '../../src/db/database.js';
import {
  applyMigrationsFrom,
  diffMigrationsToSchema,
  hasPendingMigrations,
  isEmptyMigration,
  prismaDir,
} from '../../src/db/migrations.js';
import { createPGlite, pgliteAdapterFactory } from '../../src/db/pglite.js';
import { createEmptyPostgresDatabase } from '../helpers/database.js';
import { describeWith, needs } from '../helpers/services.js';

describe('Migrations', () => {
  it('prisma/migrations matches schema.prisma (run `npm run db:new-migration -- <name>` when this fails)', async () => {
    const scratch = await createPGlite();
    try {
      const sql = await diffMigrationsToSchema(pgliteAdapterFactory(scratch));
      expect(isEmptyMigration(sql) ? '' : sql).toBe('');
    } finally {
      await scratch.close();
    }
  });

  it('the drift check sees a schema change that has no migration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'drift-'));
    await cp(path.join(prismaDir, 'migrations'), path.join(dir, 'migrations'), { recursive: true });
    const { readFile } = await import('node:fs/promises');
    const schema = (await readFile(path.join(prismaDir, 'schema.prisma'), 'utf8')).replace(
      'model Clinic {',
      'model Clinic {\n  colour String?',
    );
    const scratch = await createPGlite();
    try {
      const sql = await diffMigrationsToSchema(pgliteAdapterFactory(scratch), {
        schema: { path: path.join(dir, 'schema.prisma'), content: schema },
        migrationsDir: path.join(dir, 'migrations'),
      });
      expect(sql).toContain('ALTER TABLE "Clinic" ADD COLUMN     "colour" TEXT');
    } finally {
      await scratch.close();
    }
  });

  it('start-up applies pending migrations to a new embedded database, and a second start applies none', async () => {
    const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'migrate-')), 'pglite');
    const first = await openEmbeddedDatabase({ dataDir });
    const applied = await first.migrate();
    await first.close();
    const second = await openEmbeddedDatabase({ dataDir });
    try {
      expect(applied.length).toBeGreaterThan(0);
      expect(await second.migrate()).toEqual([]);
      const rows = await second.prisma.$queryRaw<
        Array<{ migration_name: string }>
      >`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
      // Named by time, so in name order they are in the order they were applied.
      expect(rows.map((r) => r.migration_name)).toEqual(applied);
    } finally {
      await second.close();
    }
  });

  it('a start with nothing to apply skips the schema engine, and a new migration folder is seen as pending', async () => {
    const db = await openEmbeddedDatabase({ dataDir: 'memory://' });
    try {
      const query = (sql: string) => db.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(sql);
      expect(await hasPendingMigrations(query)).toBe(true); // no migrations table yet
      await db.migrate();
      expect(await hasPendingMigrations(query)).toBe(false);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pending-'));
      await cp(path.join(prismaDir, 'migrations'), dir, { recursive: true });
      await mkdir(path.join(dir, '99990101000000_next'));
      expect(await hasPendingMigrations(query, dir)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a migration whose SQL fails is not recorded as applied', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'badmig-'));
    await cp(path.join(prismaDir, 'migrations'), dir, { recursive: true });
    await mkdir(path.join(dir, '99990101000000_broken'));
    await writeFile(
      path.join(dir, '99990101000000_broken', 'migration.sql'),
      'ALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;',
    );
    const db = await openEmbeddedDatabase({ dataDir: 'memory://' });
    try {
      await expect(applyMigrationsFrom(pgliteAdapterFactory(db.pglite), dir)).rejects.toThrow(/NoSuchTable/);
      const rows = await db.prisma.$queryRaw<
        Array<{ migration_name: string; finished_at: Date | null }>
      >`SELECT migration_name, finished_at FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'`;
      expect(rows.every((r) => r.finished_at === null)).toBe(true);
    } finally {
      await db.close();
    }
  });
});

describeWith(needs.postgres, 'Migrations on PostgreSQL', () => {
  it('apply once, then nothing', async () => {
    const empty = await createEmptyPostgresDatabase();
    const db = openPostgresDatabase(empty.url);
    try {
      expect((await db.migrate()).length).toBeGreaterThan(0);
      expect(await db.migrate()).toEqual([]);
    } finally {
      await db.close();
      await empty.drop();
    }
  });

  it('instances starting together apply each migration once (advisory lock)', async () => {
    const empty = await createEmptyPostgresDatabase();
    const instances = [
      openPostgresDatabase(empty.url),
      openPostgresDatabase(empty.url),
      openPostgresDatabase(empty.url),
    ];
    try {
      const results = await Promise.all(instances.map((db) => db.migrate()));
      const all = results.flat();
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all).size).toBe(all.length); // nobody applied anything twice
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
      await empty.drop();
    }
  });
});
