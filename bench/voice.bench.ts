// POST /twilio/voice on PostgreSQL at 50 connections, a new signed CallSid each
// request, against a raw-pg handler doing the same database work (the same Call row and
// caller lookup, so the ratio is our own overhead), a minimal signed handler doing one
// INSERT into a one-index table, and a bare Express route; and the service with its
// metrics on (scraped every second) against the same service with them off. Calls go to
// 200 clinics, as on an operator's server; the same load on one clinic is reported too
// (every call's foreign key then locks the same clinic row).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPostgresDatabase } from '../src/db/database.js';
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
// The servers are loaded in turns, several rounds, and each figure is the median of its
// rounds: on a shared machine a slow patch then hits them all alike.
const ROUNDS = 5;
const METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef0123456789';

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

/** `cpuUs`: the server's CPU time per request, when its process was named (Linux). */
type Load = { rps: number; p50: number; p99: number; errors: number; cpuUs: number };

/** A process's CPU time so far in µs, from /proc (Linux): NaN elsewhere. */
function cpuUsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
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
): Promise<Load> {
  const cpuBefore = cpuUsOf(server?.pid);
  const result = await autocannon({
    url,
    connections: 50,
    duration: DURATION_S,
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
  };
}

/** The service's load with its metrics scraped every second meanwhile, as a (busy) Prometheus would. */
async function loadScraped(url: string, server: ChildProcess): Promise<Load> {
  const scrape = () =>
    fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then(
      (r) => r.text(),
      () => '',
    );
  const timer = setInterval(() => void scrape(), 1_000);
  try {
    return await load(url, 'calls', undefined, server);
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
  };
}

/** Starts a process (Node with `args`) and waits until `readyUrl` answers. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
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
    const db = openPostgresDatabase(dbUrl);
    await db.migrate();
    for (let i = 0; i < CLINICS; i++) {
      const clinic = await db.prisma.clinic.create({
        data: {
          name: `Bench Clinic ${i}`,
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
      await db.prisma.patient.createMany({
        data: [0, 1, 2, 3, 4].map((k) => ({
          clinicId: clinic.id,
          name: `Patient ${i}-${k}`,
          phone: callerNumber(pick(1000)),
        })),
      });
    }
    await db.close();

    const env = {
      DATABASE_URL: dbUrl,
      SESSION_SECRET: 's'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_BASE_URL: BASE,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    };
    const SERVICE = 'http://127.0.0.1:3901';
    const WITH_METRICS = 'http://127.0.0.1:3903';
    const BASELINES = 'http://127.0.0.1:3902';
    const serviceProcess = await startProcess(serverArgs(), { ...env, PORT: '3901' }, `${SERVICE}/readyz`);
    const metricsProcess = await startProcess(
      serverArgs(),
      { ...env, PORT: '3903', METRICS_TOKEN },
      `${WITH_METRICS}/readyz`,
    );
    children.push(serviceProcess, metricsProcess);
    children.push(
      await startProcess(
        ['--import', 'tsx', 'bench/baseline-servers.ts', '3902', dbUrl, AUTH_TOKEN, BASE],
        {},
        'http://127.0.0.1:3902/hello',
      ),
    );

    await load(SERVICE, 'calls'); // warm up
    await load(WITH_METRICS, 'calls');
    await load(BASELINES, 'calls', SAME_CALL);
    await load(BASELINES, 'calls');
    const rounds: Array<Record<'service' | 'metrics' | 'sameCall' | 'oneClinic' | 'hello' | 'minimal', Load>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The two services get the same loads, in turns, in an order that swaps every round:
      // a process left idle longer than the other runs slower when loaded again.
      const order = i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      const both = async (kind: 'calls' | 'calls to one clinic') => {
        const got: Partial<Record<'off' | 'on', Load>> = {};
        for (const which of order)
          got[which] =
            which === 'off'
              ? await load(SERVICE, kind, undefined, serviceProcess)
              : kind === 'calls'
                ? await loadScraped(WITH_METRICS, metricsProcess)
                : await load(WITH_METRICS, kind);
        return got as Record<'off' | 'on', Load>;
      };
      const calls = await both('calls');
      const oneClinic = await both('calls to one clinic');
      rounds.push({
        service: calls.off,
        metrics: calls.on,
        oneClinic: oneClinic.off,
        sameCall: await load(BASELINES, 'calls', SAME_CALL),
        minimal: await load(BASELINES, 'calls'),
        hello: await load(BASELINES, 'hello'),
      });
    }
    const median = (key: keyof (typeof rounds)[number]) => medianOf(rounds.map((r) => r[key]));
    const [service, metrics, sameCall, oneClinic, minimal, hello] = (
      ['service', 'metrics', 'sameCall', 'oneClinic', 'minimal', 'hello'] as const
    ).map(median) as [Load, Load, Load, Load, Load, Load];
    console.log(
      `voice benchmark, metrics on ÷ off per round: ${rounds.map((r) => (r.metrics.rps / r.service.rps).toFixed(2)).join(' ')}`,
    );
    const errors = service.errors + metrics.errors + oneClinic.errors;
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
        figure: 'POST /twilio/voice req/s, metrics on (scraped every second) vs off (goal: ≥ 0.95×)',
        value: metrics.rps,
        unit: 'req/s',
        baseline: service.rps,
        baselineLabel: 'metrics off',
        goal: { min: 0.95, of: 'ratio' },
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
      // Where /proc tells (Linux): what the server itself spent, which others' load on a shared machine moves less.
      ...(Number.isFinite(metrics.cpuUs * service.cpuUs)
        ? [
            {
              figure: "POST /twilio/voice server CPU per request, metrics on vs off (the machine's other load aside)",
              value: metrics.cpuUs,
              unit: 'µs',
              baseline: service.cpuUs,
              baselineLabel: 'metrics off',
            },
          ]
        : []),
      {
        figure: 'POST /twilio/voice p99 at 50 connections, metrics on',
        value: metrics.p99,
        unit: 'ms',
        baseline: service.p99,
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
