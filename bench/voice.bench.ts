// POST /twilio/voice on PostgreSQL at 50 connections, a new signed CallSid each
// request, against a bare Express route and a minimal signed handler doing one INSERT.
// Calls go to 200 clinics, as on an operator's server; the same load on one clinic is
// reported too (every call's foreign key then locks the same clinic row).
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
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
const callerNumber = (i: number) => `+447700900${String(i).padStart(3, '0')}`;
const pick = (n: number) => Math.floor(Math.random() * n);
const DURATION_S = 5;
// The three servers are loaded in turns, several rounds, and each figure is the
// median of its rounds: on a shared machine a slow patch then hits all three alike.
const ROUNDS = 3;

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

type Load = { rps: number; p50: number; p99: number; errors: number };

async function load(url: string, kind: 'hello' | 'calls' | 'calls to one clinic'): Promise<Load> {
  const result = await autocannon({
    url,
    connections: 50,
    duration: DURATION_S,
    requests: [
      kind !== 'hello'
        ? {
            method: 'POST',
            path: '/twilio/voice',
            setupRequest: (req) => {
              const params = callParams(kind === 'calls to one clinic');
              return {
                ...req,
                headers: {
                  'content-type': 'application/x-www-form-urlencoded',
                  'x-twilio-signature': sign('/twilio/voice', params),
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
  };
}

function medianOf(loads: Load[]): Load {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    rps: median(loads.map((l) => l.rps)),
    p50: median(loads.map((l) => l.p50)),
    p99: median(loads.map((l) => l.p99)),
    errors: loads.reduce((n, l) => n + l.errors, 0),
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
    children.push(await startProcess(serverArgs(), { ...env, PORT: '3901' }, 'http://127.0.0.1:3901/readyz'));
    children.push(
      await startProcess(
        ['--import', 'tsx', 'bench/baseline-servers.ts', '3902', dbUrl, AUTH_TOKEN, BASE],
        {},
        'http://127.0.0.1:3902/hello',
      ),
    );

    await load('http://127.0.0.1:3901', 'calls'); // warm up
    await load('http://127.0.0.1:3902', 'calls');
    const rounds: Array<{ service: Load; oneClinic: Load; hello: Load; minimal: Load }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({
        service: await load('http://127.0.0.1:3901', 'calls'),
        minimal: await load('http://127.0.0.1:3902', 'calls'),
        oneClinic: await load('http://127.0.0.1:3901', 'calls to one clinic'),
        hello: await load('http://127.0.0.1:3902', 'hello'),
      });
    }
    const service = medianOf(rounds.map((r) => r.service));
    const oneClinic = medianOf(rounds.map((r) => r.oneClinic));
    const minimal = medianOf(rounds.map((r) => r.minimal));
    const hello = medianOf(rounds.map((r) => r.hello));
    const errors = service.errors + oneClinic.errors;
    if (errors || minimal.errors)
      console.warn(`voice benchmark: ${errors} errors from the service, ${minimal.errors} from the minimal handler`);
    return [
      {
        figure: 'POST /twilio/voice req/s vs minimal signed INSERT handler (goal: ≥ 0.8×)',
        value: service.rps,
        unit: 'req/s',
        baseline: minimal.rps,
        baselineLabel: 'minimal handler',
        goal: { min: 0.8, of: 'ratio' },
      },
      {
        figure: 'POST /twilio/voice req/s, all calls to one clinic, vs minimal handler',
        value: oneClinic.rps,
        unit: 'req/s',
        baseline: minimal.rps,
        baselineLabel: 'minimal handler',
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
        baseline: minimal.p50,
        baselineLabel: 'minimal handler',
      },
      {
        figure: 'POST /twilio/voice p99 at 50 connections',
        value: service.p99,
        unit: 'ms',
        baseline: minimal.p99,
        baselineLabel: 'minimal handler',
        goal: { max: 100, of: 'value' },
      },
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
