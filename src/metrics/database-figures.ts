// Figures read from the database when metrics are scraped, across every clinic: the
// same on every instance, so alerts take max() of them, not sum(). Each source is one
// indexed query, read once per scrape however many gauges it feeds and within a time
// limit. A source that cannot be read shows as unknown (NaN, or no series) and counts a
// read error; the other sources are reported as usual.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../core/database.js';
import type { Logger } from '../core/logger.js';

const READ_LIMIT_MS = 3_000;

// Callers waiting in a queue now: exactly the rows of the partial index "Call_waiting_in_line".
const QUEUE = {
  name: 'metrics-queue',
  text: `SELECT count(*)::int AS "callers", min("queuedAt") AS "oldest"
    FROM "Call" WHERE "queueStatus" = 'waiting' AND "endedAt" IS NULL`,
};
// Jobs not done, by kind and state (finished ones are kept a fortnight and not counted), and for
// each the earliest time one of them was due (the index on status and runAt serves both).
const JOBS = {
  name: 'metrics-jobs',
  text: `SELECT "kind", "status", count(*)::int AS "jobs", min("runAt") FILTER (WHERE "runAt" <= $1::timestamp) AS "oldestDue"
    FROM "Job" WHERE "status" IN ('pending', 'running', 'failed') GROUP BY "kind", "status"`,
};
// Copies still at Twilio: recordings (or their transcriptions) whose rows say so — the partial
// index "Recording_at_twilio" — and those of rows erased meanwhile, which jobs delete.
const AT_TWILIO = {
  name: 'metrics-at-twilio',
  text: `SELECT count(*)::int AS "recordings", min("since") AS "oldest" FROM (
      SELECT "createdAt" AS "since" FROM "Recording"
        WHERE "deletedAtTwilio" IS NULL OR ("transcriptionSid" IS NOT NULL AND "transcriptionDeletedAtTwilio" IS NULL)
      UNION ALL
      SELECT "createdAt" FROM "Job"
        WHERE "kind" = 'recording.delete-at-twilio' AND "status" IN ('pending', 'running', 'failed')
    ) AS "atTwilio"`,
};

type Oldest = { oldest: Date | null };

/** Registers the database's gauges, their names starting with `prefix`. */
export function watchDatabase(
  registry: Registry,
  prefix: string,
  deps: { db: Database; clock: () => Date; logger: Logger },
): void {
  const registers = [registry];
  const { db, clock } = deps;
  const sources: Array<() => Promise<unknown>> = [];
  const errors = new Counter({
    name: `${prefix}metrics_read_errors_total`,
    help: 'Scrapes that could not read a source of figures from the database (its gauges then show NaN or nothing)',
    labelNames: ['source'],
    registers,
    // This scrape's reads first, so that it counts their failures.
    async collect() {
      await Promise.all(sources.map((read) => read()));
    },
  });
  /** One read per scrape: the gauges it feeds are collected together, and share it. */
  const source = <T>(name: string, read: () => Promise<T>) => {
    let pending: Promise<T | undefined> | undefined;
    const once = () =>
      (pending ??= withinLimit(read())
        .catch((err: unknown) => {
          errors.inc({ source: name });
          deps.logger.warn({ err, source: name }, 'metrics: could not read figures from the database');
          return undefined;
        })
        .finally(() => {
          pending = undefined;
        }));
    sources.push(once);
    return once;
  };
  const secondsSince = (at: Date | null | undefined) =>
    at ? Math.max(0, (clock().getTime() - at.getTime()) / 1000) : 0;
  const gauge = (name: string, help: string, value: () => Promise<number | undefined>) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      async collect() {
        this.set((await value()) ?? NaN);
      },
    });

  const queue = source('queue', async () => (await db.sql<Oldest & { callers: number }>(QUEUE))[0]!);
  gauge('queue_callers', 'Callers waiting in a queue now, across every clinic', async () => (await queue())?.callers);
  gauge('queue_oldest_wait_seconds', 'How long the longest-waiting caller in any queue has waited', async () => {
    const q = await queue();
    return q && secondsSince(q.oldest);
  });

  const jobs = source('jobs', () =>
    db.sql<{ kind: string; status: string; jobs: number; oldestDue: Date | null }>(JOBS, [clock()]),
  );
  new Gauge({
    name: `${prefix}jobs`,
    help: 'Background jobs not done, by kind and state (pending, running, failed: given up, waiting for an operator)',
    labelNames: ['kind', 'state'],
    registers,
    async collect() {
      const rows = await jobs();
      this.reset();
      for (const r of rows ?? []) this.set({ kind: r.kind, state: r.status }, r.jobs);
    },
  });
  gauge('jobs_oldest_due_seconds', 'How long the pending job due longest ago has waited to run', async () => {
    const rows = await jobs();
    if (!rows) return undefined;
    const due = rows.filter((r) => r.status === 'pending' && r.oldestDue).map((r) => r.oldestDue!.getTime());
    return due.length ? secondsSince(new Date(Math.min(...due))) : 0;
  });

  const atTwilio = source('recordings', async () => (await db.sql<Oldest & { recordings: number }>(AT_TWILIO))[0]!);
  gauge(
    'recordings_awaiting_twilio_deletion',
    "Recordings (or their transcriptions) whose copies at Twilio are still to be deleted, erased ones' included",
    async () => (await atTwilio())?.recordings,
  );
  gauge(
    'recordings_awaiting_twilio_deletion_oldest_seconds',
    'How long ago the oldest recording still at Twilio was made',
    async () => {
      const r = await atTwilio();
      return r && secondsSince(r.oldest);
    },
  );
}

function withinLimit<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READ_LIMIT_MS} ms`)), READ_LIMIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
