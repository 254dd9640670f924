// Reports and the phone line. Two owners loop the heaviest reports (a year's
// statistics, the whole call log as CSV, the clinic's export) as fast as the service
// lets them, while calls keep coming in.
// - Embedded database (every query runs inside the Node process): the event loop is
//   never held over 250 ms (the server's own "event loop stalled" warnings are counted),
//   and no call hears the 2-second apology.
// - PostgreSQL: POST /twilio/voice p99 under that load against the same probe idle.
// BENCH_LOG=<file> keeps the servers' log lines (BENCH_LOG_LEVEL=info for every request) to see where time went.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { addStaff } from '../src/accounts/staff.js';
import { PURGE_EVERY_MS } from '../src/recordings/retention-rules.js';
import { closeDays } from '../src/statistics/statistics.js';
import { type Database, openEmbeddedDatabase, openPostgresDatabase } from '../src/db/database.js';
import { signIn, type HttpBrowser } from '../test/helpers/http-browser.js';
import { serverArgs } from '../test/helpers/process.js';
import type { Figure } from './run.js';
import { AUTH_TOKEN, BASE, clinicNumber } from './voice.bench.js';

const CALLS = 60_000; // a busy clinic's year: ~165 calls a day
const OWNERS = [
  { email: 'owner1@bench.test', password: 'bench owner password 1' },
  { email: 'owner2@bench.test', password: 'bench owner password 2' },
];
const SECONDS = 45;
const PROBE_EVERY_MS = 200;

/** One clinic with a year of history: calls with their events, call-backs, patients, appointments, audit entries. */
async function seed(db: Database): Promise<string> {
  await db.migrate();
  const clinic = await db.prisma.clinic.create({
    data: { name: 'Report Bench Clinic', timeZone: 'Europe/London', numbers: { create: [{ e164: clinicNumber(0) }] } },
  });
  await db.prisma.openingHours.createMany({
    data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, startMinute: 0, endMinute: 1440 })),
  });
  const practitioner = await db.prisma.practitioner.create({
    data: { clinicId: clinic.id, name: 'Anita Patel', spokenName: 'Dr Patel' },
  });
  const type = await db.prisma.appointmentType.create({
    data: {
      clinicId: clinic.id,
      name: 'Check-up',
      durationMinutes: 30,
      practitioners: { create: [{ practitionerId: practitioner.id }] },
    },
  });
  const args = [clinic.id];
  await db.sql(
    `INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt", "endedAt", "durationSeconds", "outcome", "queuedAt", "answeredAt", "queueStatus")
    SELECT gen_random_uuid(), 'CA' || lpad(to_hex(g), 32, '0'), $1::uuid, '+4477009' || lpad((g % 90000)::text, 5, '0'), '${clinicNumber(0)}', 'inbound', 'completed',
      now() AT TIME ZONE 'UTC' - (g * interval '8 minutes 45 seconds'), now() AT TIME ZONE 'UTC' - (g * interval '8 minutes 45 seconds') + interval '2 minutes', 120,
      (ARRAY['booked', 'reception', 'voicemail', 'abandoned', 'moved'])[1 + g % 5],
      CASE WHEN g % 5 IN (1, 2, 3) THEN now() AT TIME ZONE 'UTC' - (g * interval '8 minutes 45 seconds') + interval '20 seconds' END,
      CASE WHEN g % 5 = 1 THEN now() AT TIME ZONE 'UTC' - (g * interval '8 minutes 45 seconds') + interval '35 seconds' END,
      CASE g % 5 WHEN 1 THEN 'answered' WHEN 2 THEN 'left' WHEN 3 THEN 'abandoned' END
    FROM generate_series(1, ${CALLS}) g`,
    args,
  );
  await db.sql(
    `INSERT INTO "CallEvent" ("callId", "at", "kind", "dedupeKey", "data") SELECT "id", "startedAt", k, "callSid" || ':' || k, '{"duration": 120}'::jsonb FROM "Call", unnest(ARRAY['status:ringing', 'status:completed']) k WHERE "clinicId" = $1::uuid`,
    args,
  );
  await db.sql(
    `INSERT INTO "CallBack" ("id", "clinicId", "callId", "reason", "fromNumber", "createdAt", "doneAt") SELECT gen_random_uuid(), "clinicId", "id", 'voicemail', "fromNumber", "endedAt", "endedAt" + interval '1 hour' FROM "Call" WHERE "clinicId" = $1::uuid AND "outcome" = 'voicemail'`,
    args,
  );
  await db.sql(
    `INSERT INTO "Patient" ("id", "clinicId", "name", "phone", "dateOfBirth") SELECT gen_random_uuid(), $1::uuid, 'Patient ' || g, '+4477009' || lpad(g::text, 5, '0'), date '1950-01-01' + g FROM generate_series(1, 5000) g`,
    args,
  );
  await db.sql(
    `INSERT INTO "Appointment" ("id", "clinicId", "practitionerId", "patientId", "typeId", "startsAt", "endsAt", "blockedUntil", "source")
    SELECT gen_random_uuid(), $1::uuid, '${practitioner.id}'::uuid, p."id", '${type.id}'::uuid, t, t + interval '30 minutes', t + interval '30 minutes', 'dashboard'
    FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS n FROM "Patient" WHERE "clinicId" = $1::uuid) p, LATERAL (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') - interval '365 days' + p.n * interval '1 hour' AS t) slot`,
    args,
  );
  await db.sql(
    `INSERT INTO "AuditEntry" ("at", "clinicId", "actorType", "action", "subjectType", "subjectId") SELECT now() AT TIME ZONE 'UTC' - g * interval '30 minutes', $1::uuid, 'system', 'appointment.booked', 'appointment', gen_random_uuid()::text FROM generate_series(1, 15000) g`,
    args,
  );
  for (const owner of OWNERS)
    await addStaff(
      db.prisma,
      { clinicId: clinic.id, email: owner.email, role: 'owner', password: owner.password },
      { type: 'system' },
    );
  // A server that has been running: the past year's totals kept by the six-hourly job, and
  // today's retention purge done, so what is measured is the reports, not a first start's catching up.
  const now = new Date();
  await closeDays(db.prisma, now);
  for (const [kind, every] of [
    ['retention.purge', PURGE_EVERY_MS],
    ['stats.close-days', 6 * 3_600_000],
  ] as const) {
    const slot = new Date(Math.floor(now.getTime() / every) * every);
    await db.prisma.job.create({
      data: { kind, payload: {}, dedupeKey: `${kind}:${slot.toISOString()}`, status: 'done', runAt: slot, doneAt: now },
    });
  }
  return clinic.id;
}

interface Server {
  url: string;
  stalls: () => number[];
  stop(): Promise<void>;
}

/** The server as `npm start` runs it; its warnings are read for "event loop stalled". */
async function startServer(env: Record<string, string>, port: number): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, serverArgs(), {
    env: { PATH: process.env.PATH, ...env, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stalls: number[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (process.env.BENCH_LOG) void appendFile(process.env.BENCH_LOG, line + '\n');
      if (line.includes('"event loop stalled"')) stalls.push((JSON.parse(line) as { stalledMs: number }).stalledMs);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error('the server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stalls: () => [...stalls],
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Calls arriving one after another, every PROBE_EVERY_MS, from a process of their own: each answer's time, and whether it was the 2-second apology. */
async function callsArriving(
  url: string,
  seconds: number,
): Promise<{ p99: number; max: number; apologies: number; count: number }> {
  const probe = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'call-probe.ts'), url, String(seconds), String(PROBE_EVERY_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  probe.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((r) => probe.once('exit', r));
  if (code !== 0) throw new Error(`the call probe exited with ${code}`);
  return JSON.parse(out);
}

/** An owner asking for the heaviest reports one after another while `going()`, starting at the `first`th; a refusal (429) is an answer too. */
async function ownerLooping(owner: HttpBrowser, clinicId: string, going: () => boolean, first: number) {
  const base = `/api/clinics/${clinicId}`;
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  const reports = [`${base}/export.zip`, `${base}/calls.csv`, `${base}/statistics?from=${yearAgo}`];
  const tally = { done: 0, refused: 0, seconds: new Map<string, number>() };
  for (let i = first; going(); i++) {
    const report = reports[i % reports.length]!;
    const started = Date.now();
    const res = await owner.call('GET', report);
    if (res.status === 429) {
      tally.refused++;
      await new Promise((r) => setTimeout(r, 100));
    } else if (res.status === 200) {
      tally.done++;
      tally.seconds.set(report.replace(/.*\//, '').replace(/\?.*/, ''), (Date.now() - started) / 1000);
    } else throw new Error(`a report answered ${res.status}`);
  }
  return tally;
}

async function underReportLoad(server: Server, clinicId: string) {
  const owners = await Promise.all(OWNERS.map((o) => signIn(server.url, o)));
  const idle = await callsArriving(server.url, SECONDS / 2);
  const idleStalls = server.stalls().length;
  let probing = true;
  const probe = callsArriving(server.url, SECONDS).finally(() => (probing = false));
  const [busy, ...loops] = await Promise.all([
    probe,
    ...owners.map((o, i) => ownerLooping(o, clinicId, () => probing, i)),
  ]);
  const stalls = server.stalls().slice(idleStalls);
  const took = loops.flatMap((l) => [...l.seconds].map(([report, s]) => `${report} ${s.toFixed(1)} s`)).join(', ');
  console.log(
    `reports benchmark: ${loops.map((l) => `${l.done} reports made, ${l.refused} refused`).join('; ')} (${took}); ${busy.count} calls answered, ${stalls.length} stalls over 250 ms${stalls.length ? ` (longest ${Math.max(...stalls)} ms)` : ''}`,
  );
  return { idle, busy, stalls, reports: loops.reduce((n, l) => n + l.done, 0) };
}

export async function reportBenchmarks(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const env = {
    SESSION_SECRET: 's'.repeat(40),
    RECORDINGS_KEY: 'ab'.repeat(32),
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
    PUBLIC_BASE_URL: BASE,
    SIMULATOR: 'off',
  };

  // The embedded database, as one process for a handful of clinics runs.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reports-bench-'));
  try {
    const seeding = Date.now();
    const db = await openEmbeddedDatabase({ dataDir: path.join(dir, 'pglite') });
    const clinicId = await seed(db);
    await db.close();
    console.log(
      `reports benchmark (embedded): seeded ${CALLS} calls in ${((Date.now() - seeding) / 1000).toFixed(0)} s`,
    );
    const server = await startServer({ ...env, DATA_DIR: dir }, 3921);
    try {
      const r = await underReportLoad(server, clinicId);
      figures.push(
        {
          figure: 'embedded: event-loop stalls over 250 ms while two owners loop the heaviest reports (goal: none)',
          value: r.stalls.length,
          unit: 'stalls',
          baseline: 0,
          baselineLabel: 'goal',
          goal: { max: 0, of: 'value' },
        },
        {
          figure: 'embedded: calls answered with the 2-second apology meanwhile (goal: none)',
          value: r.busy.apologies,
          unit: 'calls',
          baseline: r.idle.apologies,
          baselineLabel: 'idle',
          goal: { max: 0, of: 'value' },
        },
        {
          figure: 'embedded: POST /twilio/voice slowest answer meanwhile vs idle (goal: < 2 s)',
          value: r.busy.max,
          unit: 'ms',
          baseline: r.idle.max,
          baselineLabel: 'idle',
          goal: { max: 2_000, of: 'value' },
        },
      );
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // PostgreSQL, as an operator's instances run.
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.warn(
      `reports benchmark on PostgreSQL skipped: no PostgreSQL at ${adminUrl} (${(err as Error).message}); set BENCH_DATABASE_URL`,
    );
    return figures;
  }
  const name = `clinic_reports_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = openPostgresDatabase(url.toString());
    const clinicId = await seed(db);
    await db.sql('VACUUM ANALYZE');
    await db.close();
    const server = await startServer(
      { ...env, DATABASE_URL: url.toString(), NODE_ENV: 'production', DATA_DIR: os.tmpdir() },
      3922,
    );
    try {
      const r = await underReportLoad(server, clinicId);
      figures.push({
        figure: 'PostgreSQL: POST /twilio/voice p99 while two owners loop the heaviest reports vs idle (goal: ≤ 2×)',
        value: r.busy.p99,
        unit: 'ms',
        baseline: r.idle.p99,
        baselineLabel: 'idle, same calls',
        goal: { max: 2, of: 'ratio' },
      });
    } finally {
      await server.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  return figures;
}
