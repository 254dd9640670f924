// Start to /readyz and idle memory: the embedded database's first start ever (PGlite
// creates its database), a restart, and a start on PostgreSQL — against a bare Node
// HTTP server started the same way, measured in the same run.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPostgresDatabase } from '../src/db/database.js';
import { serverArgs } from '../test/helpers/process.js';
import type { Figure } from './run.js';

const MB = 1024 * 1024;

/** Resident and peak memory of a process, from /proc (Linux). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Spawns `args`, polls `url` until it answers 200; the time that took, then the memory once it has idled `idleMs` (V8 gives back its start-up garbage after several idle seconds). */
async function startAndMeasure(
  args: string[],
  env: Record<string, string>,
  url: string,
  idleMs = 15_000,
): Promise<{ ms: number; rss: number; peak: number; child: ChildProcess }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')} never became ready`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, idleMs));
  return { ms, ...(await memoryOf(child.pid!)), child };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function startupBenchmarks(): Promise<Figure[]> {
  const secrets = { SESSION_SECRET: 's'.repeat(40), RECORDINGS_KEY: 'ab'.repeat(32), LOG_LEVEL: 'warn' };
  // The baseline: a bare Node HTTP server, started as a process the same way.
  const bare = await startAndMeasure(
    ['-e', "require('http').createServer((q, s) => s.end('ok')).listen(3921)"],
    {},
    'http://127.0.0.1:3921/',
  );
  await stop(bare.child);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'startup-bench-'));
  const embeddedEnv = { ...secrets, DATA_DIR: dataDir, PORT: '3922' };
  try {
    const first = await startAndMeasure(serverArgs(), embeddedEnv, 'http://127.0.0.1:3922/readyz');
    await stop(first.child);
    const restart = await startAndMeasure(serverArgs(), embeddedEnv, 'http://127.0.0.1:3922/readyz');
    await stop(restart.child);
    const figures: Figure[] = [
      {
        figure: 'embedded database, first start ever: to /readyz',
        value: first.ms,
        unit: 'ms',
        baseline: bare.ms,
        baselineLabel: 'bare Node HTTP server',
      },
      {
        figure: 'embedded database, first start ever: peak memory',
        value: first.peak / MB,
        unit: 'MB',
        baseline: bare.peak / MB,
        baselineLabel: 'bare Node HTTP server',
      },
      {
        figure: 'embedded database, restart: to /readyz (goal: ≤ 2 s)',
        value: restart.ms,
        unit: 'ms',
        baseline: bare.ms,
        baselineLabel: 'bare Node HTTP server',
        goal: { max: 2_000, of: 'value' },
      },
      {
        figure: 'embedded database, idle memory (RSS) (goal: ≤ 450 MB)',
        value: restart.rss / MB,
        unit: 'MB',
        baseline: bare.rss / MB,
        baselineLabel: 'bare Node HTTP server',
        goal: { max: 450, of: 'value' },
      },
    ];

    const adminUrl =
      process.env.BENCH_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      'postgresql://postgres@127.0.0.1:5432/postgres';
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
    } catch {
      console.warn(`start-up benchmark on PostgreSQL skipped: no PostgreSQL at ${adminUrl}; set BENCH_DATABASE_URL`);
      return figures;
    }
    const name = `clinic_startup_bench_${process.pid}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = openPostgresDatabase(url.toString());
      await db.migrate();
      await db.close();
      // As in production: Twilio configured (its REST client is made at start), NODE_ENV=production.
      const production = {
        ...secrets,
        DATABASE_URL: url.toString(),
        DATA_DIR: dataDir,
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'https://clinic.example',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'c'.repeat(32),
      };
      const onPostgres = await startAndMeasure(
        serverArgs(),
        { ...production, PORT: '3923' },
        'http://127.0.0.1:3923/readyz',
      );
      await stop(onPostgres.child);
      figures.push(
        {
          figure: 'PostgreSQL: start to /readyz',
          value: onPostgres.ms,
          unit: 'ms',
          baseline: bare.ms,
          baselineLabel: 'bare Node HTTP server',
        },
        {
          figure: 'PostgreSQL: idle memory (RSS) (goal: ≤ 150 MB)',
          value: onPostgres.rss / MB,
          unit: 'MB',
          baseline: bare.rss / MB,
          baselineLabel: 'bare Node HTTP server',
          goal: { max: 150, of: 'value' },
        },
      );
      const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
      const withRedis = await startAndMeasure(
        serverArgs(),
        { ...production, REDIS_URL: redisUrl, PORT: '3924' },
        'http://127.0.0.1:3924/readyz',
      );
      await stop(withRedis.child);
      figures.push({
        figure: 'PostgreSQL + Redis (scaled-out instance): idle memory (RSS)',
        value: withRedis.rss / MB,
        unit: 'MB',
        baseline: bare.rss / MB,
        baselineLabel: 'bare Node HTTP server',
      });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
    return figures;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
