import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { appRoot } from '../core/paths.js';
import { withSchemaEngine } from './schema-engine.js';

export const prismaDir = path.join(appRoot, 'prisma');
const noFilters = { externalTables: [], externalEnums: [] };

/** The migrations folder as the schema engine wants it: Prisma's own layout, read from disk. */
export async function readMigrations(migrationsDir = path.join(prismaDir, 'migrations')): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      folders.map(async (folder) => ({
        path: folder,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(migrationsDir, folder, 'migration.sql'), 'utf8').then(
            (ok) => ({ tag: 'ok' as const, value: ok }),
            (err: Error) => ({ tag: 'error' as const, value: err.message }),
          ),
        },
      })),
    ),
  };
}

export async function readSchema(schemaPath = path.join(prismaDir, 'schema.prisma')) {
  return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
}

/** Applies pending migrations exactly as `prisma migrate deploy` would; returns their names. */
export const applyMigrations = (adapter: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> =>
  applyMigrationsFrom(adapter);

export async function applyMigrationsFrom(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  migrationsDir?: string,
): Promise<string[]> {
  const [schema, migrationsList] = await Promise.all([readSchema(), readMigrations(migrationsDir)]);
  return withSchemaEngine(adapter, schema, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return result.appliedMigrationNames;
  });
}

/**
 * The SQL that takes the migrations folder to schema.prisma: the next migration
 * when non-empty. Needs a shadow database, so run it on PGlite (see README).
 */
export async function diffMigrationsToSchema(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  from: { schema?: { path: string; content: string }; migrationsDir?: string } = {},
): Promise<string> {
  const [schema, migrationsList] = await Promise.all([from.schema ?? readSchema(), readMigrations(from.migrationsDir)]);
  return withSchemaEngine(adapter, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? '';
  });
}

type Query = (sql: string) => Promise<Array<{ migration_name: string }>>;

/**
 * Whether any migration in the folder is not yet applied, read straight from
 * `_prisma_migrations`. Most starts have nothing to apply; answering that without
 * loading the schema engine saves about a second and ~100 MB of memory.
 */
export async function hasPendingMigrations(
  query: Query,
  migrationsDir = path.join(prismaDir, 'migrations'),
): Promise<boolean> {
  const folders = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  let applied: Set<string>;
  try {
    const rows = await query(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = new Set(rows.map((r) => r.migration_name));
  } catch {
    return true; // no migrations table yet: a new database
  }
  return folders.some((name) => !applied.has(name));
}

/** True when a diff script changes nothing (the engine still prints a comment). */
export function isEmptyMigration(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'));
}
