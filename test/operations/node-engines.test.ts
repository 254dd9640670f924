// Node 20.19 stays the minimum (issue 23, item 6): `npm install` warns EBADENGINE for
// @prisma/streams-local (it wants Node 22), pulled in by Prisma's CLI for `prisma dev`.
// This shows that nothing `npm start`, the operator's commands or the tests run loads it.
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, runCli, startServerProcess, tempDataDir } from '../helpers/process.js';

const NODE22_ONLY = '@prisma/streams-local';
const PRELOAD = pathToFileURL(path.join(repoRoot, 'test/fixtures/loads/record-loads.mjs')).href;

/** Runs `work` with every module its processes resolve written to a file, and returns them. */
async function loadedBy(work: (env: Record<string, string>) => Promise<void>): Promise<string[]> {
  const dir = await tempDataDir();
  const file = path.join(dir, 'loads.txt');
  await work({ NODE_OPTIONS: `--import ${PRELOAD}`, RECORD_LOADS_TO: file });
  const loads = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  await rm(dir, { recursive: true, force: true });
  return loads;
}

describe(`Nothing we run needs Node 22 (${NODE22_ONLY})`, () => {
  it('the recorder sees a process load it (so a silence below means something)', async () => {
    const loads = await loadedBy(async (env) => {
      execFileSync(process.execPath, ['-e', `import('${NODE22_ONLY}').catch(() => {})`], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, ...env },
      });
    });
    expect(loads.some((l) => l.includes(NODE22_ONLY))).toBe(true);
  });

  it('npm start (the demo clinic on the embedded database) does not load it', async () => {
    const loads = await loadedBy(async (env) => {
      const server = await startServerProcess({ DATA_DIR: await tempDataDir(), ...env });
      await server.stop();
    });
    // The server's own modules were seen: the recorder was in place.
    expect(loads.some((l) => l.includes('dist/server.js'))).toBe(true);
    expect(loads.filter((l) => l.includes(NODE22_ONLY))).toEqual([]);
  });

  it('the operator commands and db:migrate do not load it', async () => {
    const loads = await loadedBy(async (env) => {
      const dataDir = await tempDataDir();
      for (const args of [['clinic:list'], ['jobs:list', '--failed']]) {
        const result = await runCli(args, { DATA_DIR: dataDir, ...env });
        expect(result.code).toBe(0);
      }
      execFileSync(process.execPath, ['--import', 'tsx', 'src/db/cli.ts', 'migrate'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, ...env },
      });
    });
    expect(loads.some((l) => l.includes('src/cli.ts'))).toBe(true);
    expect(loads.filter((l) => l.includes(NODE22_ONLY))).toEqual([]);
  });

  it('the tests, scripts and benchmarks never import the Prisma CLI that brings it', async () => {
    // Jest resolves modules itself, so the tests are checked by what they import: only
    // Prisma's CLI (the `prisma` package, through @prisma/dev) depends on it.
    const dependants = execFileSync('npm', ['ls', NODE22_ONLY, '--json', '--all'], { cwd: repoRoot, encoding: 'utf8' });
    expect(Object.keys((JSON.parse(dependants) as { dependencies: object }).dependencies)).toEqual(['prisma']);
    const pattern = `from ['"](prisma|@prisma/dev|${NODE22_ONLY})['"/]|import\\(['"](prisma|@prisma/dev)['"]`;
    let importing = '';
    try {
      importing = execFileSync('git', ['grep', '-lE', pattern, '--', 'src', 'test', 'scripts', 'bench', 'web'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
    } catch (err) {
      // git grep answers 1 when nothing matches.
      if ((err as { status?: number }).status !== 1) throw err;
    }
    expect(importing).toBe('');
  });
});
