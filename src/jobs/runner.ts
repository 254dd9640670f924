// Durable background work kept in the database. A job is claimed with a lease
// (FOR UPDATE SKIP LOCKED, so several instances never take the same one), retried
// with exponential back-off, and picked up again after a crash once its lease has
// run out. Slow work (Twilio's REST API, say) runs here, never inside a webhook.
import { randomUUID } from 'node:crypto';
import type { Database, Prisma } from '../db/database.js';
import type { Prisma as PrismaNamespace } from '../generated/prisma/client.js';
import { maskPhoneNumbers, type Logger } from '../core/logger.js';
import { withLogContext } from '../core/log-context.js';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { contextFromTraceParent, currentTraceParent, inSpan } from '../core/tracing.js';

/** Throw this from a handler when trying again cannot help (a number Twilio rejects, say). */
export class PermanentJobError extends Error {}

export type JobHandler = (payload: unknown, job: { id: string; attempt: number }) => Promise<void>;

type Tx = Pick<Prisma, 'job'>;

export interface EnqueueOptions {
  /** Enqueueing the same key twice makes one job (a webhook repeated by Twilio, say). */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/** Adds a job; pass a transaction client to make it part of the write that calls for it. */
export async function enqueueJob(
  db: Tx,
  kind: string,
  payload: PrismaNamespace.InputJsonValue,
  options: EnqueueOptions = {},
): Promise<void> {
  // Queued while tracing a request: the job's run joins that request's trace.
  const traceParent = currentTraceParent();
  await db.job.createMany({
    data: [
      {
        kind,
        payload: traceParent && isPlainObject(payload) ? { ...payload, [TRACE_KEY]: traceParent } : payload,
        dedupeKey: options.dedupeKey ?? null,
        runAt: options.runAt ?? new Date(),
        maxAttempts: options.maxAttempts ?? 8,
      },
    ],
    skipDuplicates: true,
  });
}

/** 5 s, 10 s, 20 s … doubling, at most 30 minutes. */
export const backoffMs = (attempt: number): number => Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 30 * 60_000);

export interface JobRunnerOptions {
  logger: Logger;
  clock?: () => Date;
  /** How often to look for due jobs. */
  pollMs?: number;
  /** How long a claimed job is ours; a runner that dies loses it after this. */
  leaseMs?: number;
  batchSize?: number;
}

type Claimed = { id: string; kind: string; payload: unknown; attempts: number; maxAttempts: number };

const CLAIM = {
  name: 'jobs-claim',
  text: `UPDATE "Job" SET "status" = 'running', "leaseToken" = $1, "leaseUntil" = $2::timestamp, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT "id" FROM "Job"
      WHERE ("status" = 'pending' AND "runAt" <= $3::timestamp) OR ("status" = 'running' AND "leaseUntil" < $3::timestamp)
      ORDER BY "runAt" LIMIT $4
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id"::text AS "id", "kind", "payload", "attempts", "maxAttempts"`,
};

export class JobRunner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private filling?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly db: Database,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: JobRunnerOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 5;
  }

  /**
   * Polls until stop(), keeping up to a batch of jobs running. Each job's end makes
   * room for the next at once, so one slow job (a download from a Twilio that hangs)
   * never holds up the others (the texts).
   */
  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      await this.refill();
      if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs ?? 1_000);
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops polling and waits for the jobs in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.filling;
    await Promise.all([...this.inFlight, this.running?.catch(() => undefined)]);
  }

  /** Claims the due jobs (up to a batch) and runs them; resolves with how many it ran. For tests and one-off runs. */
  runDue(): Promise<number> {
    const run = (this.running ?? Promise.resolve(0))
      .catch(() => 0)
      .then(async () => {
        const { jobs, lease } = await this.claim(this.batchSize);
        await Promise.all(jobs.map((job) => this.runOne(job, lease)));
        return jobs.length;
      });
    this.running = run;
    return run;
  }

  /** One claim at a time: a refill asked for while one is under way is left to the next tick. */
  private refill(): Promise<void> {
    this.filling ??= this.fill().finally(() => {
      this.filling = undefined;
    });
    return this.filling;
  }

  private async fill(): Promise<void> {
    const room = this.batchSize - this.inFlight.size;
    if (this.stopped || room <= 0) return;
    let claimed: Awaited<ReturnType<JobRunner['claim']>>;
    try {
      claimed = await this.claim(room);
    } catch (err) {
      this.options.logger.warn({ err }, 'job runner could not reach the database; will retry');
      return;
    }
    for (const job of claimed.jobs) {
      const run: Promise<void> = this.runOne(job, claimed.lease).finally(() => {
        this.inFlight.delete(run);
        if (!this.stopped) void this.refill();
      });
      this.inFlight.add(run);
    }
  }

  private async claim(limit: number): Promise<{ jobs: Claimed[]; lease: string }> {
    const now = this.clock();
    const lease = randomUUID();
    const jobs = await this.db.sql<Claimed>(CLAIM, [lease, new Date(now.getTime() + this.leaseMs), now, limit]);
    return { jobs, lease };
  }

  private async runOne(job: Claimed, lease: string): Promise<void> {
    const { prisma } = this.db;
    const handler = this.handlers[job.kind];
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      const { payload, parent } = tracedPayload(job.payload);
      // Whatever the handler logs names the job, as `jobs:list` shows it; its span, the trace it was queued in.
      await withLogContext({ jobId: job.id, jobKind: job.kind }, () =>
        inSpan(`job ${job.kind}`, { parent, attributes: { 'job.kind': job.kind, 'job.attempt': job.attempts } }, () =>
          handler(payload, { id: job.id, attempt: job.attempts }),
        ),
      );
      // Only the lease holder completes it: a runner whose lease ran out has lost the job.
      await prisma.job.updateMany({
        where: { id: job.id, leaseToken: lease },
        data: { status: 'done', doneAt: this.clock(), leaseToken: null, leaseUntil: null, lastError: null },
      });
    } catch (err) {
      const message = maskPhoneNumbers(err instanceof Error ? err.message : String(err)).slice(0, 500);
      const giveUp = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      const runAt = new Date(this.clock().getTime() + backoffMs(job.attempts));
      await prisma.job
        .updateMany({
          where: { id: job.id, leaseToken: lease },
          data: {
            status: giveUp ? 'failed' : 'pending',
            runAt,
            leaseToken: null,
            leaseUntil: null,
            lastError: message,
          },
        })
        .catch(() => undefined); // the lease runs out and the job is retried anyway
      this.options.logger[giveUp ? 'error' : 'warn'](
        { jobId: job.id, jobKind: job.kind, attempt: job.attempts, error: message },
        giveUp ? 'job failed for good' : 'job failed; will retry',
      );
    }
  }
}

/** Where a job's payload carries the W3C traceparent of the span that queued it; handlers never see it. */
const TRACE_KEY = '_traceparent';

const isPlainObject = (value: unknown): value is Record<string, PrismaNamespace.InputJsonValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A job's payload as its handler expects it, and the trace it was queued in (a new one if none). */
function tracedPayload(stored: unknown): { payload: unknown; parent: Context } {
  if (!isPlainObject(stored) || typeof stored[TRACE_KEY] !== 'string') return { payload: stored, parent: ROOT_CONTEXT };
  const { [TRACE_KEY]: traceparent, ...payload } = stored;
  return { payload, parent: contextFromTraceParent({ traceparent }) };
}
