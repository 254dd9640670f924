// POST /twilio/voice on PostgreSQL at 50 connections, a new signed CallSid each
// request, against a raw-pg handler doing the same database work (the same Call row and
// caller lookup, so the ratio is our own overhead), a minimal signed handler doing one
// INSERT into a one-index table, and a bare Express route. Calls go to 200 clinics, as on
// an operator's server; the same load on one clinic is reported too (every call's
// foreign key then locks the same clinic row).
//
// What metrics cost is measured twice. Throughput with metrics on against off carries
// the goal: four processes a side, each warmed with 12,000 calls, loaded in turns, and
// each side's figure the mean of its processes' medians. One process a side is not
// enough: identical processes keep their own speed for their whole life, 10-14 %
// apart (ROADMAP, issue 23), so a one-against-one ratio measures which process was
// lucky. The off side's two halves against each other show what is left of that. The
// service against the baselines is loaded afterwards, beside one copy only. And
// the share of a metrics-on service's main-thread CPU spent in metrics code, from a CPU
// profile of the seconds it takes calls: a ratio the machine's speed cannot move, which
// names the functions that cost most, but sees neither V8's helper threads nor garbage
// collection caused by metrics.
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
// rounds: on a shared machine a slow patch then hits them all alike.
const ROUNDS = 6;
// The metrics comparison's processes a side, and the calls each takes before it is measured
// (V8 has by then compiled the hot paths and run its first major collections).
const PER_SIDE = 4;
const WARM_CALLS = 12_000;
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
type Load = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
  cpuUs: number;
  mainCpuUs: number;
};

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
    total: result.requests.total,
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

/** Each figure of `loads` summed up by `average` (errors and calls added). */
function summaryOf(loads: Load[], average: (values: number[]) => number): Load {
  const of = (figure: (l: Load) => number) => average(loads.map(figure));
  return {
    rps: of((l) => l.rps),
    p50: of((l) => l.p50),
    p99: of((l) => l.p99),
    errors: loads.reduce((n, l) => n + l.errors, 0),
    total: loads.reduce((n, l) => n + l.total, 0),
    cpuUs: of((l) => l.cpuUs),
    mainCpuUs: of((l) => l.mainCpuUs),
  };
}

const medianOf = (loads: Load[]) =>
  summaryOf(loads, (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!);
/** One side of the metrics comparison from its processes' medians. */
const meanOf = (loads: Load[]) => summaryOf(loads, (values) => values.reduce((a, b) => a + b, 0) / values.length);

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
    // The service PER_SIDE times with metrics off and as often with them on, each in its
    // own process as `npm start` runs it, on ports 3910 and up.
    type Copy = { metrics: boolean; url: string; process: ChildProcess; rounds: Load[] };
    const copies: Copy[] = [];
    for (let k = 0; k < 2 * PER_SIDE; k++) {
      const metrics = k % 2 === 1; // off, on, off, on…: neighbours in every round's order
      const url = `http://127.0.0.1:${3910 + k}`;
      const child = await startProcess(
        serverArgs(),
        { ...env, PORT: String(3910 + k), ...(metrics ? { METRICS_TOKEN } : {}) },
        `${url}/readyz`,
      );
      children.push(child);
      copies.push({ metrics, url, process: child, rounds: [] });
    }
    children.push(
      await startProcess(
        ['--import', 'tsx', 'bench/baseline-servers.ts', '3902', dbUrl, AUTH_TOKEN, BASE],
        {},
        'http://127.0.0.1:3902/hello',
      ),
    );
    const loadCopy = (copy: Copy) =>
      copy.metrics ? loadScraped(copy.url, copy.process) : load(copy.url, 'calls', undefined, copy.process);

    for (const copy of copies)
      for (let calls = 0; calls < WARM_CALLS;) {
        const warm = await loadCopy(copy);
        if (warm.total === 0) throw new Error(`the service at ${copy.url} answered no call while warming up`);
        calls += warm.total;
      }
    // First metrics on against off, the copies in turns, from a place turned every round: a
    // process loaded right after a long idle runs slower, and this spreads that over both
    // sides alike.
    for (let i = 0; i < ROUNDS; i++)
      for (let k = 0; k < copies.length; k++) {
        const copy = copies[(i + k) % copies.length]!;
        copy.rounds.push(await loadCopy(copy));
      }
    // Then the service against the baselines, with one copy left: the others, idle, still
    // cost the machine (with all eight running, the raw-pg handler's p99 was 2-4× and its
    // rate 0.7× what they were beside one, 2026-12-07).
    const first = copies[0]!; // metrics off
    await Promise.all(copies.slice(1).map((c) => stopProcess(c.process)));
    await load(BASELINES, 'calls', SAME_CALL); // warm up
    await load(BASELINES, 'calls');
    type Round = Record<'service' | 'sameCall' | 'oneClinic' | 'hello' | 'minimal', Load>;
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++)
      rounds.push({
        service: await load(first.url, 'calls', undefined, first.process),
        sameCall: await load(BASELINES, 'calls', SAME_CALL),
        oneClinic: await load(first.url, 'calls to one clinic'),
        minimal: await load(BASELINES, 'calls'),
        hello: await load(BASELINES, 'hello'),
      });
    // Stopped before the profile's process starts. Connections: eight copies' pools of 10
    // and the baselines' 10 came to ~91 of PostgreSQL's default 100 in the first phase.
    await stopProcess(first.process);
    const share = await profileMetrics(env);
    const median = (key: keyof Round) => medianOf(rounds.map((r) => r[key]));
    const [service, sameCall, oneClinic, minimal, hello] = (
      ['service', 'sameCall', 'oneClinic', 'minimal', 'hello'] as const
    ).map(median) as [Load, Load, Load, Load, Load];
    const sideOf = (metrics: boolean) => copies.filter((c) => c.metrics === metrics);
    const side = (metrics: boolean) => sideOf(metrics).map((c) => medianOf(c.rounds));
    const [offs, ons] = [side(false), side(true)];
    const [off, on] = [meanOf(offs), meanOf(ons)];
    const [offHalf, offOtherHalf] = [meanOf(offs.slice(0, PER_SIDE / 2)), meanOf(offs.slice(PER_SIDE / 2))];
    const each = (loads: Load[], figure: (l: Load) => number) => loads.map((l) => figure(l).toFixed(0)).join(' ');
    console.log(
      `voice benchmark, req/s of each process (median of ${ROUNDS} rounds): metrics on ${each(ons, (l) => l.rps)}; off ${each(offs, (l) => l.rps)}`,
    );
    console.log(
      `voice benchmark, CPU µs per request of each process: metrics on ${each(ons, (l) => l.cpuUs)}; off ${each(offs, (l) => l.cpuUs)}`,
    );
    console.log(
      `voice benchmark, metrics on ÷ off by round (the sides' means): ${first.rounds
        .map((_, i) => {
          const sideMean = (metrics: boolean) => meanOf(sideOf(metrics).map((c) => c.rounds[i]!)).rps;
          return (sideMean(true) / sideMean(false)).toFixed(2);
        })
        .join(' ')}`,
    );
    console.log(
      `voice benchmark, service ÷ raw-pg same Call row, per round: ${rounds.map((r) => (r.service.rps / r.sameCall.rps).toFixed(2)).join(' ')}`,
    );
    console.log(
      `voice benchmark, p99 ms per round: service ${rounds.map((r) => r.service.p99).join(' ')}; raw-pg same Call row ${rounds.map((r) => r.sameCall.p99).join(' ')}`,
    );
    const threads = (l: Load) => `${l.mainCpuUs.toFixed(0)} + ${(l.cpuUs - l.mainCpuUs).toFixed(0)} µs`;
    console.log(
      `voice benchmark, CPU per request, main thread + the others (sides' means): metrics on ${threads(on)}, off ${threads(off)}`,
    );
    const errors = service.errors + oneClinic.errors + off.errors + on.errors;
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
        figure: `POST /twilio/voice req/s, metrics on (scraped every second) vs off, ${PER_SIDE} processes a side in turns (goal: ≥ 0.95×)`,
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
        figure: `POST /twilio/voice req/s, metrics off: ${PER_SIDE / 2} processes vs ${PER_SIDE / 2} others (how far identical ones differ)`,
        value: offOtherHalf.rps,
        unit: 'req/s',
        baseline: offHalf.rps,
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
