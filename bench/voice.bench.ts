// POST /twilio/voice on PostgreSQL at 50 connections, a new signed CallSid each
// request, against a raw-pg handler doing the same database work (the same Call row and
// caller lookup, so the ratio is our own overhead), a minimal signed handler doing one
// INSERT into a one-index table, and a bare Express route. Calls go to 200 clinics, as on
// an operator's server; the same load on one clinic is reported too (every call's
// foreign key then locks the same clinic row).
//
// What metrics cost is measured twice. Throughput with metrics on against off, loaded
// in turns, carries the goal, beside a second metrics-off process: two identical
// processes differ here by 10–25 % in a round and by up to 10 % in the median of six
// (2026-12-07), so read the goal's figure against that pair's. And the share of a
// metrics-on service's main-thread CPU spent in metrics code, from a CPU profile of the
// seconds it takes calls: a ratio the machine's speed cannot move, which names the
// functions that cost most, but sees neither V8's helper threads nor garbage collection
// caused by metrics — in eight runs it found 3 % where throughput found ~7 % (ROADMAP,
// issue 23).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { type Database, openPostgresDatabase } from '../src/db/database.js';
import { serverArgs } from '../test/helpers/process.js';
import type { Figure } from './run.js';

export const AUTH_TOKEN = 'b'.repeat(32);
export const BASE = 'https://bench.phone.test';
const CLINICS = 200;
// Ofcom's drama ranges: 01632 960xxx for the clinics, 07700 900xxx for callers.
export const clinicNumber = (i: number) => `+441632960${String(i).padStart(3, '0')}`;
// The raw-pg baseline's path (bench/baseline-servers.ts).
const SAME_CALL = '/same-call/twilio/voice';
const callerNumber = (i: number) => `+447700900${String(i).padStart(3, '0')}`;
const pick = (n: number) => Math.floor(Math.random() * n);
const DURATION_S = 5;
// How long the metrics-on service is profiled under calls.
const PROFILE_S = 15;
// The servers are loaded in turns, several rounds, and each figure is the median of its
// rounds: on a shared machine a slow patch then hits them all alike. Six, so that each of
// the metrics comparison's three processes is loaded first, second and third twice.
const ROUNDS = 6;
export const METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef0123456789';

/** The service's environment for a benchmark on `dbUrl`, as production runs it (logging warnings only). */
export const serviceEnv = (dbUrl: string): Record<string, string> => ({
  DATABASE_URL: dbUrl,
  SESSION_SECRET: 's'.repeat(40),
  RECORDINGS_KEY: 'ab'.repeat(32),
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  PUBLIC_BASE_URL: BASE,
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
});

/** Makes the service's tables on `dbUrl` and the benchmark's clinics: each open all week, with a few known callers. */
export async function seedClinics(dbUrl: string): Promise<void> {
  const db = openPostgresDatabase(dbUrl);
  await db.migrate();
  await createClinics(db, CLINICS, 'Bench Clinic', true);
  await db.close();
}

/**
 * `count` clinics named `name 0`, `name 1`…, on the numbers `clinicNumber` gives, each
 * open all week; with `knownCallers`, five patients each whose numbers the calls use.
 */
export async function createClinics(db: Database, count: number, name: string, knownCallers: boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    const clinic = await db.prisma.clinic.create({
      data: {
        name: `${name} ${i}`,
        timeZone: 'Europe/London',
        numbers: { create: [{ e164: clinicNumber(i) }] },
      },
    });
    await db.prisma.openingHours.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        clinicId: clinic.id,
        weekday,
        startMinute: 0,
        endMinute: 1440,
      })),
    });
    // Some callers are known patients: the answer then names them.
    if (knownCallers)
      await db.prisma.patient.createMany({
        data: [0, 1, 2, 3, 4].map((k) => ({
          clinicId: clinic.id,
          name: `Patient ${i}-${k}`,
          phone: callerNumber(pick(1000)),
        })),
      });
  }
}

export function sign(path: string, params: Record<string, string>): string {
  const data =
    BASE +
    path +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', AUTH_TOKEN).update(data).digest('base64');
}

export function callParams(oneClinic: boolean, clinics = CLINICS): Record<string, string> {
  return {
    AccountSid: 'AC' + 'a'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: 'CA' + randomBytes(16).toString('hex'),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: callerNumber(pick(1000)),
    To: clinicNumber(oneClinic ? 0 : pick(clinics)),
  };
}

/**
 * `cpuUs`: the server's CPU time per request, when its process was named (Linux);
 * `mainCpuUs`: of that, its main thread's (the rest is V8's helper threads — garbage
 * collection, compiling — and libuv's).
 */
type Load = { rps: number; p50: number; p99: number; errors: number; cpuUs: number; mainCpuUs: number };

/** A process's (or with `thread`, its main thread's) CPU time so far in µs, from /proc (Linux): NaN elsewhere. */
export function cpuUsOf(pid: number | undefined, thread = false): number {
  try {
    const file = thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100; // clock ticks, 100 a second
  } catch {
    return NaN;
  }
}

async function load(
  url: string,
  kind: 'hello' | 'calls' | 'calls to one clinic',
  path = '/twilio/voice',
  server?: ChildProcess,
  seconds = DURATION_S,
): Promise<Load> {
  const cpuBefore = cpuUsOf(server?.pid);
  const mainBefore = cpuUsOf(server?.pid, true);
  const result = await autocannon({
    url,
    connections: 50,
    duration: seconds,
    requests: [
      kind !== 'hello'
        ? {
            method: 'POST',
            path,
            setupRequest: (req) => {
              const params = callParams(kind === 'calls to one clinic');
              return {
                ...req,
                headers: {
                  'content-type': 'application/x-www-form-urlencoded',
                  'x-twilio-signature': sign(path, params),
                },
                body: new URLSearchParams(params).toString(),
              };
            },
          }
        : { method: 'GET', path: '/hello' },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUs: (cpuUsOf(server?.pid) - cpuBefore) / result.requests.total,
    mainCpuUs: (cpuUsOf(server?.pid, true) - mainBefore) / result.requests.total,
  };
}

/** The service's load with its metrics scraped every second meanwhile, as a (busy) Prometheus would. */
async function loadScraped(url: string, server: ChildProcess, seconds?: number): Promise<Load> {
  const scrape = () =>
    fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then(
      (r) => r.text(),
      () => '',
    );
  const timer = setInterval(() => void scrape(), 1_000);
  try {
    return await load(url, 'calls', undefined, server, seconds);
  } finally {
    clearInterval(timer);
  }
}

function medianOf(loads: Load[]): Load {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    rps: median(loads.map((l) => l.rps)),
    p50: median(loads.map((l) => l.p50)),
    p99: median(loads.map((l) => l.p99)),
    errors: loads.reduce((n, l) => n + l.errors, 0),
    cpuUs: median(loads.map((l) => l.cpuUs)),
    mainCpuUs: median(loads.map((l) => l.mainCpuUs)),
  };
}

/**
 * Starts a process (Node with `args`, after `prefix` when given: a tool that runs Node)
 * and waits until `readyUrl` answers, for up to `waitS` seconds.
 */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  { prefix = [] as string[], waitS = 60 } = {},
): Promise<ChildProcess> {
  const [command, ...rest] = [...prefix, process.execPath, ...args];
  const child = spawn(command!, rest, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < waitS * 10; i++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    const ok = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not become ready`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Code that runs only for metrics: ours, prom-client and what it brings. */
const METRICS_CODE = /\/src\/metrics\/|\/node_modules\/(prom-client|tdigest|bintrees)\//;

type Profile = {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
};

/**
 * Of a CPU profile's busy samples, those in metrics code: a sample whose own frame is
 * metrics code, or a native frame (a builtin, url '') called from metrics code.
 */
export function metricsSamples(profile: Profile): { busy: number; metrics: number; top: string[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // The metrics frame a sample is counted to (its own, or the nearest above a native one), or null.
  const owner = new Map<number, number | null>();
  const ownerOf = (id: number): number | null => {
    if (owner.has(id)) return owner.get(id)!;
    const { url } = byId.get(id)!.callFrame;
    const up = parent.get(id);
    const found = url ? (METRICS_CODE.test(url) ? id : null) : up === undefined ? null : ownerOf(up);
    owner.set(id, found);
    return found;
  };
  let busy = 0;
  const byFunction = new Map<string, number>();
  for (const id of profile.samples) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busy++;
    const found = ownerOf(id);
    if (found === null) continue;
    const { functionName, url } = byId.get(found)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|node_modules)\//, '')}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
  }
  const metrics = [...byFunction.values()].reduce((a, b) => a + b, 0);
  const top = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, n]) => `${name} ${((100 * n) / busy).toFixed(2)} %`);
  return { busy, metrics, top };
}

/**
 * Metrics' share of the CPU of a service taking calls with its metrics scraped every
 * second, from a V8 CPU profile of those seconds. A ratio within one process over the
 * same seconds, so the machine's speed, which moves throughput by ±10 % between loads
 * here, cancels out. Not counted: garbage made by metrics, and the driver's work for a
 * scrape's few statements a second.
 */
async function profileMetrics(env: Record<string, string>): Promise<{ busy: number; metrics: number }> {
  const file = path.join(os.tmpdir(), `voice-bench-${process.pid}.cpuprofile`);
  const url = 'http://127.0.0.1:3907';
  const server = await startProcess(
    ['--v8-pool-size=1', '--import', 'tsx', 'bench/profiled-service.ts'],
    { ...env, PORT: '3907', METRICS_TOKEN, BENCH_PROFILE: file },
    `${url}/readyz`,
  );
  try {
    await loadScraped(url, server); // warm up
    server.kill('SIGUSR2');
    await loadScraped(url, server, PROFILE_S);
    server.kill('SIGUSR2');
    for (let i = 0; i < 300; i++) {
      const text = await readFile(file, 'utf8').catch(() => '');
      try {
        const share = metricsSamples(JSON.parse(text) as Profile);
        console.log(
          `voice benchmark, metrics code: ${((100 * share.metrics) / share.busy).toFixed(2)} % of ${share.busy} busy samples; most: ${share.top.join(', ')}`,
        );
        return share;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // not written yet, or not whole
      }
    }
    throw new Error('the profiled service wrote no profile');
  } finally {
    await stopProcess(server);
    await rm(file, { force: true });
  }
}

export async function voiceBenchmarks(): Promise<Figure[]> {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `clinic_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.warn(
      `voice webhook benchmark skipped: no PostgreSQL at ${adminUrl} (${(err as Error).message}); set BENCH_DATABASE_URL`,
    );
    return [];
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const children: ChildProcess[] = [];
  try {
    await seedClinics(dbUrl);

    const env = serviceEnv(dbUrl);
    const BASELINES = 'http://127.0.0.1:3902';
    // The service three times, each in its own process as `npm start` runs it: metrics off,
    // metrics on, and metrics off again, which shows how far two identical processes differ.
    const copyUrl = {
      off: 'http://127.0.0.1:3901',
      on: 'http://127.0.0.1:3903',
      offAgain: 'http://127.0.0.1:3904',
    } as const;
    type Copy = keyof typeof copyUrl;
    const copies = {} as Record<Copy, ChildProcess>;
    for (const copy of ['off', 'on', 'offAgain'] as const) {
      const port = new URL(copyUrl[copy]).port;
      copies[copy] = await startProcess(
        serverArgs(),
        { ...env, PORT: port, ...(copy === 'on' ? { METRICS_TOKEN } : {}) },
        `${copyUrl[copy]}/readyz`,
      );
      children.push(copies[copy]);
    }
    children.push(
      await startProcess(
        ['--import', 'tsx', 'bench/baseline-servers.ts', '3902', dbUrl, AUTH_TOKEN, BASE],
        {},
        'http://127.0.0.1:3902/hello',
      ),
    );

    for (const copy of ['off', 'on', 'offAgain'] as const) await load(copyUrl[copy], 'calls'); // warm up
    await load(BASELINES, 'calls', SAME_CALL);
    await load(BASELINES, 'calls');
    type Round = Record<'sameCall' | 'oneClinic' | 'hello' | 'minimal' | Copy, Load>;
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The three in turns, in an order turned every round, so that each is loaded first,
      // second and third as often: a process loaded right after a long idle runs slower.
      const order = (['off', 'on', 'offAgain'] as const).map((_, k, all) => all[(i + k) % all.length]!);
      const got = {} as Record<Copy, Load>;
      for (const copy of order)
        got[copy] =
          copy === 'on'
            ? await loadScraped(copyUrl.on, copies.on)
            : await load(copyUrl[copy], 'calls', undefined, copies[copy]);
      rounds.push({
        ...got,
        sameCall: await load(BASELINES, 'calls', SAME_CALL),
        oneClinic: await load(copyUrl.off, 'calls to one clinic'),
        minimal: await load(BASELINES, 'calls'),
        hello: await load(BASELINES, 'hello'),
      });
    }
    const share = await profileMetrics(env);
    const median = (key: keyof Round) => medianOf(rounds.map((r) => r[key]));
    const [sameCall, oneClinic, minimal, hello, off, on, offAgain] = (
      ['sameCall', 'oneClinic', 'minimal', 'hello', 'off', 'on', 'offAgain'] as const
    ).map(median) as [Load, Load, Load, Load, Load, Load, Load];
    const service = off;
    const perRound = (label: string, a: keyof Round, b: keyof Round) =>
      console.log(
        `voice benchmark, ${label}, per round: ${rounds.map((r) => (r[a].rps / r[b].rps).toFixed(2)).join(' ')}`,
      );
    perRound('metrics on ÷ off', 'on', 'off');
    perRound('metrics off ÷ off (two identical copies)', 'offAgain', 'off');
    perRound('service ÷ raw-pg same Call row', 'off', 'sameCall');
    console.log(
      `voice benchmark, CPU per request, metrics on ÷ off, per round: ${rounds.map((r) => (r.on.cpuUs / r.off.cpuUs).toFixed(3)).join(' ')}`,
    );
    console.log(
      `voice benchmark, CPU per request, off ÷ off, per round: ${rounds.map((r) => (r.offAgain.cpuUs / r.off.cpuUs).toFixed(3)).join(' ')}`,
    );
    const threads = (l: Load) => `${l.mainCpuUs.toFixed(0)} + ${(l.cpuUs - l.mainCpuUs).toFixed(0)} µs`;
    console.log(
      `voice benchmark, CPU per request, main thread + the others (medians): metrics on ${threads(on)}, off ${threads(off)}, off again ${threads(offAgain)}`,
    );
    const errors = oneClinic.errors + off.errors + on.errors + offAgain.errors;
    if (errors || minimal.errors || sameCall.errors)
      console.warn(
        `voice benchmark: ${errors} errors from the service, ${sameCall.errors + minimal.errors} from the baselines`,
      );
    return [
      {
        figure: 'POST /twilio/voice req/s vs raw-pg handler writing the same Call row (goal: ≥ 0.8×)',
        value: service.rps,
        unit: 'req/s',
        baseline: sameCall.rps,
        baselineLabel: 'same Call row, raw pg',
        goal: { min: 0.8, of: 'ratio' },
      },
      {
        figure: 'POST /twilio/voice req/s vs minimal signed INSERT handler (one table, one index)',
        value: service.rps,
        unit: 'req/s',
        baseline: minimal.rps,
        baselineLabel: 'minimal handler',
      },
      {
        figure: 'POST /twilio/voice req/s, metrics on (scraped every second) vs off, in turns (goal: ≥ 0.95×)',
        value: on.rps,
        unit: 'req/s',
        baseline: off.rps,
        baselineLabel: 'metrics off',
        goal: { min: 0.95, of: 'ratio' },
      },
      {
        figure:
          'POST /twilio/voice, metrics on: main-thread samples not in metrics code ÷ all, from a CPU profile (a lower bound on what metrics cost)',
        value: share.busy - share.metrics,
        unit: 'samples',
        baseline: share.busy,
        baselineLabel: 'busy samples',
      },
      {
        figure: 'POST /twilio/voice req/s, a second metrics-off process vs the first (how far identical ones differ)',
        value: offAgain.rps,
        unit: 'req/s',
        baseline: off.rps,
        baselineLabel: 'metrics off',
      },
      {
        figure: 'POST /twilio/voice req/s, all calls to one clinic, vs raw-pg same Call row',
        value: oneClinic.rps,
        unit: 'req/s',
        baseline: sameCall.rps,
        baselineLabel: 'same Call row, raw pg',
      },
      {
        figure: 'POST /twilio/voice req/s vs bare Express hello',
        value: service.rps,
        unit: 'req/s',
        baseline: hello.rps,
        baselineLabel: 'Express hello',
      },
      {
        figure: 'POST /twilio/voice p50 at 50 connections',
        value: service.p50,
        unit: 'ms',
        baseline: sameCall.p50,
        baselineLabel: 'same Call row, raw pg',
      },
      {
        figure: 'POST /twilio/voice p99 at 50 connections',
        value: service.p99,
        unit: 'ms',
        baseline: sameCall.p99,
        baselineLabel: 'same Call row, raw pg',
        goal: { max: 100, of: 'value' },
      },
      // Where /proc tells (Linux): what the process spent, which others' load on a shared machine moves less.
      ...(Number.isFinite(on.cpuUs * off.cpuUs)
        ? [
            {
              figure: "POST /twilio/voice CPU per request, metrics on vs off (the machine's other load aside)",
              value: on.cpuUs,
              unit: 'µs',
              baseline: off.cpuUs,
              baselineLabel: 'metrics off',
            },
          ]
        : []),
      {
        figure: 'POST /twilio/voice p99 at 50 connections, metrics on',
        value: on.p99,
        unit: 'ms',
        baseline: off.p99,
        baselineLabel: 'metrics off',
      },
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
