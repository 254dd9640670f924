// `npm run db:migrate` and `npm run db:new-migration -- <name>`: Prisma's migrate
// commands, done offline through the WebAssembly schema engine.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { databaseConfig } from '../core/config.js';
import { openConfiguredDatabase } from './open.js';
import { diffMigrationsToSchema, isEmptyMigration, prismaDir } from './migrations.js';
import { createPGlite, pgliteAdapterFactory } from './pglite.js';
import { keepNewFilesPrivate } from './private-files.js';

async function newMigration(name: string | undefined): Promise<number> {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error('usage: npm run db:new-migration -- <name>   (lower-case letters, digits and _)');
    return 2;
  }
  // The diff needs a shadow database; the engine cannot introspect real PostgreSQL
  // through the pg adapter, so both sides are throwaway in-memory PGlites.
  const scratch = await createPGlite();
  try {
    const sql = await diffMigrationsToSchema(pgliteAdapterFactory(scratch));
    if (isEmptyMigration(sql)) {
      console.log('schema.prisma and prisma/migrations agree: no migration written.');
      return 0;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = path.join(prismaDir, 'migrations', `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'migration.sql'), sql);
    console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql — read it, then commit it.`);
    return 0;
  } finally {
    await scratch.close();
  }
}

async function migrate(): Promise<number> {
  keepNewFilesPrivate();
  // Only where the database is: a release step need not hold the server's secrets.
  const db = await openConfiguredDatabase(databaseConfig(), { holder: 'cli' });
  try {
    const applied = await db.migrate();
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
    return 0;
  } finally {
    await db.close();
  }
}

const [command, arg] = process.argv.slice(2);
const run =
  command === 'migrate' ? migrate() : command === 'new-migration' ? newMigration(arg) : Promise.resolve(usage());
function usage(): number {
  console.error('usage: db migrate | db new-migration <name>');
  return 2;
}
process.exitCode = await run.catch((err: Error) => {
  console.error(`error: ${err.message}`);
  return 1;
});
