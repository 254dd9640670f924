import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirBusyError extends Error {}

/**
 * PGlite's folder may be opened by one process only; a second opener corrupts it.
 * Every opener (server, CLI, migrate script) takes this lock first. A crashed
 * holder stops refreshing the lock, which goes stale after a few seconds.
 */
export async function lockDataDir(dataDir: string, holder: 'server' | 'cli'): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const holderFile = path.join(dataDir, 'holder.json');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'pglite.lock'),
      stale: 5_000,
      update: 1_000,
      // A restarted server may find the lock of the process it replaces, still fresh.
      retries: holder === 'server' ? { retries: 12, minTimeout: 500, maxTimeout: 1_000 } : 0,
      onCompromised: (err) => {
        // Someone else took the folder while we held it: stop before we corrupt it.
        console.error(`fatal: lost the lock on ${dataDir}: ${err.message}`);
        process.exit(70);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const other = await readFile(holderFile, 'utf8').then(
      (t) => JSON.parse(t) as { holder: string; pid: number },
      () => undefined,
    );
    const who = other ? `a running ${other.holder} (pid ${other.pid})` : 'another process';
    throw new DataDirBusyError(
      `The embedded database in ${dataDir} is in use by ${who}. Stop it first, ` +
        'or run against PostgreSQL (DATABASE_URL), where the command line works alongside running servers.',
    );
  }
  await writeFile(holderFile, JSON.stringify({ holder, pid: process.pid }));
  return async () => {
    await rm(holderFile, { force: true });
    await release();
  };
}
