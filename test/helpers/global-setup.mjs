// Once per `npm test`: build a migrated database template so each test file
// starts from a clean, migrated database cheaply (creating a PGlite costs ~3.5 s;
// loading a dump ~0.9 s; cloning a PostgreSQL template ~0.1 s).
// Plain ESM loading TypeScript through tsx: Jest loads global setup outside its transforms.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  // The service must never depend on the server's own time zone: tests run far from UTC
  // (workers inherit it), so a date written or read in local time shows up as a failure.
  process.env.TZ ??= 'America/New_York';
  // Tests that start the server as a process run the compiled one, as `npm start` does: build it from this source.
  const built = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('the server build failed');
  const { buildTemplates } = await tsImport('./templates.ts', import.meta.url);
  Object.assign(process.env, await buildTemplates());
}
