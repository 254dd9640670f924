import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedDatabase, openPostgresDatabase } from '../../src/db/database.js';
import { postgresTemplateName, withAdminClient, withDatabase } from './postgres-admin.js';

/** Migrated templates for the run; returns the environment variables that name them. */
export async function buildTemplates(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const db = await openEmbeddedDatabase({ dataDir: 'memory://' });
  await db.migrate();
  const dump = await db.pglite.dumpDataDir('none');
  await db.close();
  const file = path.join(os.tmpdir(), `clinic-test-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  env.TEST_PGLITE_TEMPLATE = file;

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = postgresTemplateName();
    env.TEST_PG_TEMPLATE = template;
    await withAdminClient(url, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${template}"`);
    });
    const templateDb = openPostgresDatabase(withDatabase(url, template));
    await templateDb.migrate();
    await templateDb.close();
  }
  return env;
}

export async function removeTemplates(): Promise<void> {
  if (process.env.TEST_PGLITE_TEMPLATE) await rm(process.env.TEST_PGLITE_TEMPLATE, { force: true });
  const url = process.env.TEST_DATABASE_URL;
  const template = process.env.TEST_PG_TEMPLATE;
  if (url && template) {
    await withAdminClient(url, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${template}%`],
      );
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  }
}
