// The retention purge on PostgreSQL: 1,000,000 expired calls (with their events and
// call-back entries) and 100,000 expired recordings whose encrypted files must go too —
// wall time against a 60 s goal, and POST /twilio/voice p99 while it runs against the
// same load's p99 with the database idle (goal: at most twice).
import { type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPostgresDatabase } from '../src/db/database.js';
import { PURGE_EVERY_MS } from '../src/recordings/retention-rules.js';
import { purgeExpired } from '../src/recordings/retention.js';
import { FileStorage } from '../src/recordings/storage.js';
import { closeDays } from '../src/statistics/statistics.js';
import { serverArgs } from '../test/helpers/process.js';
import type { Figure } from './run.js';
import { callParams, createClinics, serviceEnv, sign, startProcess } from './voice.bench.js';

const CLINICS = 10;
const CALLS = 1_000_000;
const RECORDINGS = 100_000;

/** A steady webhook load for `seconds` (or until stopped): its p99 and errors. */
function webhookLoad(url: string, seconds: number, clinics: number) {
  let stop = () => {};
  const result = new Promise<{ p99: number; rps: number; errors: number }>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: 10,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/twilio/voice',
            setupRequest: (req) => {
              const params = callParams(false, clinics);
              return {
                ...req,
                headers: {
                  'content-type': 'application/x-www-form-urlencoded',
                  'x-twilio-signature': sign('/twilio/voice', params),
                },
                body: new URLSearchParams(params).toString(),
              };
            },
          },
        ],
      },
      (err, r) =>
        err ? reject(err) : resolve({ p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx }),
    );
    stop = () => instance.stop();
  });
  return { result, stop: () => stop() };
}

export async function purgeBenchmarks(): Promise<Figure[]> {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `clinic_purge_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (err) {
    console.warn(
      `purge benchmark skipped: no PostgreSQL at ${adminUrl} (${(err as Error).message}); set BENCH_DATABASE_URL`,
    );
    return [];
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'purge-bench-'));
  let server: ChildProcess | undefined;
  try {
    const db = openPostgresDatabase(dbUrl);
    await db.migrate();
    const now = new Date();
    const seeded = Date.now();
    await createClinics(db, CLINICS, 'Purge Clinic', false);
    // Calls 400–430 days old (the default call log keeps 365), an event each; every tenth with a recording and a call-back entry.
    await db.sql(`INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt", "endedAt", "durationSeconds", "outcome")
      SELECT gen_random_uuid(), 'CA' || lpad(to_hex(g), 32, '0'), c."id", '+447700900' || lpad((g % 1000)::text, 3, '0'), '+441632960000', 'inbound', 'completed',
        now() AT TIME ZONE 'UTC' - interval '400 days' - (g % 30) * interval '1 day' - (g % 86400) * interval '1 second',
        now() AT TIME ZONE 'UTC' - interval '400 days' - (g % 30) * interval '1 day' - (g % 86400) * interval '1 second' + interval '90 seconds', 90, 'booked'
      FROM generate_series(1, ${CALLS}) g JOIN (SELECT "id", row_number() OVER (ORDER BY "id") - 1 AS "k" FROM "Clinic") c ON c."k" = g % ${CLINICS}`);
    await db.sql(
      `INSERT INTO "CallEvent" ("callId", "at", "kind", "dedupeKey") SELECT "id", "startedAt", 'queued', "callSid" || ':queued' FROM "Call"`,
    );
    const recordings = await db.sql<{
      id: string;
    }>(`INSERT INTO "Recording" ("id", "clinicId", "callId", "kind", "recordingSid", "status", "durationSeconds", "sizeBytes", "storedAt", "deletedAtTwilio", "createdAt")
      SELECT gen_random_uuid(), "clinicId", "id", CASE WHEN n % 2 = 0 THEN 'call' ELSE 'voicemail' END, 'RE' || substr("callSid", 3), 'stored', 30, 1024, "startedAt", "startedAt", "startedAt"
      FROM (SELECT *, row_number() OVER () AS n FROM "Call" LIMIT ${RECORDINGS}) calls RETURNING "id"::text AS "id"`);
    await db.sql(
      `INSERT INTO "CallBack" ("id", "clinicId", "callId", "reason", "fromNumber", "createdAt") SELECT gen_random_uuid(), r."clinicId", r."callId", 'voicemail', '+447700900123', r."createdAt" FROM "Recording" r WHERE r."kind" = 'voicemail'`,
    );
    const storage = new FileStorage(path.join(dir, 'recordings'));
    const bytes = Buffer.alloc(1024, 7);
    for (let i = 0; i < recordings.length; i += 500) {
      await Promise.all(
        recordings.slice(i, i + 500).map(async (r) => {
          const file = storage.pathOf(r.id);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, bytes);
        }),
      );
    }
    // The six-hourly job would have kept these days' statistics long ago.
    await closeDays(db.prisma, now);
    await db.sql('VACUUM ANALYZE');
    console.log(
      `purge benchmark: seeded ${CALLS} calls and ${recordings.length} recordings in ${((Date.now() - seeded) / 1000).toFixed(0)} s`,
    );

    // The server's own purge for today is marked done, so the timed run below is the only one.
    const slot = new Date(Math.floor(now.getTime() / PURGE_EVERY_MS) * PURGE_EVERY_MS);
    await db.prisma.job.create({
      data: {
        kind: 'retention.purge',
        payload: {},
        dedupeKey: `retention.purge:${slot.toISOString()}`,
        status: 'done',
        runAt: slot,
        doneAt: now,
      },
    });
    const env = serviceEnv(dbUrl);
    server = await startProcess(serverArgs(), { ...env, PORT: '3911' }, 'http://127.0.0.1:3911/readyz');
    await webhookLoad('http://127.0.0.1:3911', 3, CLINICS).result; // warm up
    const idle = await webhookLoad('http://127.0.0.1:3911', 10, CLINICS).result;

    const during = webhookLoad('http://127.0.0.1:3911', 600, CLINICS);
    const started = Date.now();
    const report = await purgeExpired({ db, recordings: storage, twilio: null, clock: () => new Date() });
    const seconds = (Date.now() - started) / 1000;
    during.stop();
    const busy = await during.result;
    const destroyed = report!.clinics.reduce(
      (t, c) => ({ calls: t.calls + c.calls, recordings: t.recordings + c.callRecordings + c.voicemails }),
      { calls: 0, recordings: 0 },
    );
    if (destroyed.calls !== CALLS || destroyed.recordings !== recordings.length)
      throw new Error(
        `purge benchmark: destroyed ${destroyed.calls} calls and ${destroyed.recordings} recordings, expected ${CALLS} and ${recordings.length}`,
      );
    if (idle.errors || busy.errors)
      console.warn(`purge benchmark: ${idle.errors} webhook errors idle, ${busy.errors} during the purge`);
    await db.close();
    return [
      {
        figure: `retention purge of ${CALLS / 1e6}M calls + ${recordings.length / 1000}k recordings with files (goal: ≤ 60 s)`,
        value: seconds,
        unit: 's',
        baseline: 60,
        baselineLabel: 'goal',
        goal: { max: 60, of: 'value' },
      },
      {
        figure: 'POST /twilio/voice p99 during the purge vs idle (goal: ≤ 2×)',
        value: busy.p99,
        unit: 'ms',
        baseline: idle.p99,
        baselineLabel: 'idle, same load',
        goal: { max: 2, of: 'ratio' },
      },
    ];
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await rm(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
