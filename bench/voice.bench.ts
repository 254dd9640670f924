// POST /twilio/voice on PostgreSQL at 50 connections, a new signed CallSid each
// request, against a bare Express route and a minimal signed handler doing one INSERT.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPostgresDatabase } from '../src/db/database.js';
import type { Figure } from './run.js';

const AUTH_TOKEN = 'b'.repeat(32);
const BASE = 'https://bench.phone.test';
const NUMBER = '+441632960777';
const DURATION_S = 8;

function sign(path: string, params: Record<string, string>): string {
  const data = BASE + path + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', AUTH_TOKEN).update(data).digest('base64');
}

function callParams(): Record<string, string> {
  return { AccountSid: 'AC' + 'a'.repeat(32), ApiVersion: '2010-04-01', CallSid: 'CA' + randomBytes(16).toString('hex'), CallStatus: 'ringing', Direction: 'inbound', From: '+447700900123', To: NUMBER };
}

async function load(url: string, signed: boolean): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const result = await autocannon({
    url,
    connections: 50,
    duration: DURATION_S,
    requests: [
      signed
        ? {
            method: 'POST',
            path: '/twilio/voice',
            setupRequest: (req) => {
              const params = callParams();
              return { ...req, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/voice', params) }, body: new URLSearchParams(params).toString() };
            },
          }
        : { method: 'GET', path: '/hello' },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** Starts a server process and waits until `readyUrl` answers. */
async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not become ready`);
}

export async function voiceBenchmarks(): Promise<Figure[]> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `clinic_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.warn(`voice webhook benchmark skipped: no PostgreSQL at ${adminUrl} (${(err as Error).message}); set BENCH_DATABASE_URL`);
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
    const clinic = await db.prisma.clinic.create({ data: { name: 'Bench Clinic', timeZone: 'Europe/London', numbers: { create: [{ e164: NUMBER }] } } });
    await db.prisma.openingHours.createMany({ data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, startMinute: 0, endMinute: 1440 })) });
    await db.close();

    const env = { DATABASE_URL: dbUrl, SESSION_SECRET: 's'.repeat(40), RECORDINGS_KEY: 'ab'.repeat(32), TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_BASE_URL: BASE, NODE_ENV: 'production', LOG_LEVEL: 'warn' };
    children.push(await startProcess(['src/server.ts'], { ...env, PORT: '3901' }, 'http://127.0.0.1:3901/readyz'));
    children.push(await startProcess(['bench/baseline-servers.ts', '3902', dbUrl, AUTH_TOKEN, BASE], {}, 'http://127.0.0.1:3902/hello'));

    await load('http://127.0.0.1:3901', true); // warm up
    const service = await load('http://127.0.0.1:3901', true);
    const hello = await load('http://127.0.0.1:3902', false);
    const minimal = await load('http://127.0.0.1:3902', true);
    if (service.errors || minimal.errors) console.warn(`voice benchmark: ${service.errors} errors from the service, ${minimal.errors} from the minimal handler`);
    return [
      { figure: 'POST /twilio/voice req/s vs minimal signed INSERT handler (goal: ≥ 0.8×)', value: service.rps, unit: 'req/s', baseline: minimal.rps, baselineLabel: 'minimal handler', goal: { min: 0.8, of: 'ratio' } },
      { figure: 'POST /twilio/voice req/s vs bare Express hello', value: service.rps, unit: 'req/s', baseline: hello.rps, baselineLabel: 'Express hello' },
      { figure: 'POST /twilio/voice p50 at 50 connections', value: service.p50, unit: 'ms', baseline: minimal.p50, baselineLabel: 'minimal handler' },
      { figure: 'POST /twilio/voice p99 at 50 connections', value: service.p99, unit: 'ms', baseline: minimal.p99, baselineLabel: 'minimal handler', goal: { max: 100, of: 'value' } },
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
