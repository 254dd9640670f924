// Instructions per call of the voice webhook, counted by valgrind's callgrind over all of
// a process's threads: a figure the machine's other load cannot move (throughput here
// moves ±10 % between loads), for deciding what a change costs (ROADMAP, issue 23). Slow:
// ~20 minutes for two variants side by side. Not part of `npm run bench`.
//   node scripts/build.mjs && node --import tsx bench/instructions.ts off,on
// A variant is a name and the environment it adds: `on` sets METRICS_TOKEN and is scraped
// once per 1,000 calls (the bench's once a second); add more in VARIANTS below.
// Env: WARM (calls before counting, default 12,000: fewer leave V8 still compiling),
// CALLS (counted, default 4,000), BENCH_DATABASE_URL (a server to make a database on).
// NATIVE=1: no valgrind; CPU time per call from /proc instead, each name a process of its
// own ("off,on,off,on,off,on": three of each), run in turns, 1,000 calls at a time,
// CALLS each (default 40,000 here), counted from the first round to the last. Process to process this moves ±10 %, so compare the
// means of several processes per variant: one process each says little.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { serverArgs } from '../test/helpers/process.js';
import {
  callParams,
  cpuUsOf,
  METRICS_TOKEN,
  seedClinics,
  serviceEnv,
  sign,
  startProcess,
  stopProcess,
} from './voice.bench.js';

const VARIANTS: Record<string, { env: Record<string, string>; scraped: boolean }> = {
  off: { env: {}, scraped: false },
  on: { env: { METRICS_TOKEN }, scraped: true },
  'on-unscraped': { env: { METRICS_TOKEN }, scraped: false },
};
const NATIVE = process.env.NATIVE === '1';
const WARM = Number(process.env.WARM ?? 12_000);
const CALLS = Number(process.env.CALLS ?? (NATIVE ? 40_000 : 4_000));

async function makeDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `clinic_instructions_${process.pid}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
  await seedClinics(url.toString()).catch(async (err: unknown) => {
    await drop();
    throw err;
  });
  return { url: url.toString(), drop };
}

async function calls(url: string, amount: number): Promise<void> {
  const path = '/twilio/voice';
  const result = await autocannon({
    url,
    connections: 20,
    amount,
    timeout: 300,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const params = callParams(false);
          const headers = {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': sign(path, params),
          };
          return { ...req, headers, body: new URLSearchParams(params).toString() };
        },
      },
    ],
  });
  if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} not 2xx`);
}

/** One variant under callgrind: instructions per call, in all and on the main thread. */
async function count(name: string, port: number, dbUrl: string): Promise<string> {
  const variant = VARIANTS[name];
  if (!variant) throw new Error(`no variant ${name}: ${Object.keys(VARIANTS).join(', ')}`);
  const url = `http://127.0.0.1:${port}`;
  const out = `/tmp/instructions-${process.pid}-${name}.out`;
  // Under valgrind the service takes minutes to start.
  const child = await startProcess(
    serverArgs(),
    { ...serviceEnv(dbUrl), PORT: String(port), ...variant.env },
    `${url}/readyz`,
    {
      prefix: ['valgrind', '--quiet', '--tool=callgrind', `--callgrind-out-file=${out}`],
      waitS: 900,
    },
  );
  try {
    const scrape = () =>
      fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text());
    await calls(url, WARM);
    if (variant.scraped) await scrape();
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    for (let done = 0; done < CALLS; done += 1_000) {
      await calls(url, Math.min(1_000, CALLS - done));
      if (variant.scraped) await scrape();
    }
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    const dump = readFileSync(`${out}.1`, 'utf8');
    const total = Number(/^summary: (\d+)/m.exec(dump)?.[1]);
    const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', `${out}.1`], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const inclusive = (fn: RegExp) =>
      Number(
        annotated
          .split('\n')
          .find((l) => fn.test(l))
          ?.trim()
          .split(' ')[0]
          ?.replaceAll(',', '') ?? 0,
      );
    const others = inclusive(/PlatformWorkerThread/);
    const turbofan = inclusive(/OptimizingCompileDispatcher::CompileTask::RunInternal/);
    const perCall = (n: number) => `${(n / CALLS / 1e6).toFixed(3)} M`;
    return `${name}: ${perCall(total)} instructions a call; main thread ${perCall(total - others)}, others ${perCall(others)} (TurboFan ${perCall(turbofan)})`;
  } finally {
    await stopProcess(child);
  }
}

/** Natively, each name a process: CPU µs per call (all threads, main thread), in turns; then each variant's mean. */
async function cpuPerCall(names: string[], dbUrl: string): Promise<string[]> {
  const started: Array<{ name: string; url: string; child: Awaited<ReturnType<typeof startProcess>> }> = [];
  try {
    for (const [i, name] of names.entries()) {
      const variant = VARIANTS[name];
      if (!variant) throw new Error(`no variant ${name}: ${Object.keys(VARIANTS).join(', ')}`);
      const url = `http://127.0.0.1:${3960 + i}`;
      const env = { ...serviceEnv(dbUrl), PORT: String(3960 + i), ...variant.env };
      started.push({ name, url, child: await startProcess(serverArgs(), env, `${url}/readyz`) });
    }
    for (const s of started) await calls(s.url, WARM);
    // Counted from before the first round to after the last, idle turns included: work a
    // process defers (garbage collection, compiling) is counted wherever it falls.
    const before = started.map(({ child }) => ({ all: cpuUsOf(child.pid), main: cpuUsOf(child.pid, true) }));
    for (let done = 0, round = 0; done < CALLS; done += 1_000, round++)
      for (let k = 0; k < started.length; k++) {
        const { name, url } = started[(k + round) % started.length]!; // the order turned every round
        await calls(url, Math.min(1_000, CALLS - done));
        if (VARIANTS[name]!.scraped)
          await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) =>
            r.text(),
          );
      }
    await new Promise((r) => setTimeout(r, 2_000));
    const used = started.map(({ child }, i) => ({
      all: cpuUsOf(child.pid) - before[i]!.all,
      main: cpuUsOf(child.pid, true) - before[i]!.main,
    }));
    const perCall = (us: number) => `${(us / CALLS).toFixed(0)} µs`;
    const lines = started.map(
      (s, i) => `${s.name}: ${perCall(used[i]!.all)} CPU a call; main thread ${perCall(used[i]!.main)}`,
    );
    for (const name of new Set(names)) {
      const mine = used.filter((_, i) => started[i]!.name === name);
      const mean = (pick: (u: { all: number; main: number }) => number) =>
        mine.reduce((n, u) => n + pick(u), 0) / mine.length;
      lines.push(
        `${name}, mean of ${mine.length}: ${perCall(mean((u) => u.all))}; main thread ${perCall(mean((u) => u.main))}`,
      );
    }
    return lines;
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}

const names = (process.argv[2] ?? 'off,on').split(',');
const { url: dbUrl, drop } = await makeDatabase();
try {
  if (NATIVE) for (const line of await cpuPerCall(names, dbUrl)) console.log(line);
  else {
    // Settled, not all: a variant that fails must not leave the others running under valgrind.
    const results = await Promise.allSettled(names.map((name, i) => count(name, 3960 + i, dbUrl)));
    for (const r of results) console.log(r.status === 'fulfilled' ? r.value : `failed: ${String(r.reason)}`);
    if (results.some((r) => r.status === 'rejected')) process.exitCode = 1;
  }
} finally {
  await drop();
}
