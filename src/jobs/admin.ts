// The operator's view of the job table: what failed, and trying it again or letting it go.
// A job's payload names rows only, but it is never shown: the error and the counts say enough.
import { type Actor, recordAudit } from '../core/audit.js';
import { Conflict, NotFound } from '../core/errors.js';
import { maskPhoneNumbers } from '../core/logger.js';
import type { Prisma } from '../db/database.js';

export interface JobSummary {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  createdAt: Date;
  lastError: string | null;
}

/** Newest first; `failed` keeps only the jobs the runner gave up on. */
export async function listJobs(
  prisma: Prisma,
  filter: { failed?: boolean; kind?: string; limit?: number },
): Promise<JobSummary[]> {
  const jobs = await prisma.job.findMany({
    where: { ...(filter.failed ? { status: 'failed' } : {}), ...(filter.kind ? { kind: filter.kind } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: filter.limit ?? 50,
    select: {
      id: true,
      kind: true,
      status: true,
      attempts: true,
      maxAttempts: true,
      runAt: true,
      createdAt: true,
      lastError: true,
    },
  });
  // The runner masks numbers as it stores an error; an older row may predate that.
  return jobs.map((j) => ({ ...j, lastError: j.lastError === null ? null : maskPhoneNumbers(j.lastError) }));
}

/**
 * A failed job back to pending, due now, with its attempts reset: the operator retries
 * once the cause is fixed, so it deserves the runner's full round of back-off again.
 */
export async function retryFailedJob(prisma: Prisma, id: string, now: Date, actor: Actor): Promise<JobSummary> {
  return prisma.$transaction(async (tx) => {
    const job = await failedJob(tx, id, 'retried');
    await tx.job.update({
      where: { id },
      data: { status: 'pending', runAt: now, attempts: 0, leaseToken: null, leaseUntil: null },
    });
    await recordAudit(tx, {
      actor,
      action: 'job.retried',
      subject: { type: 'job', id },
      details: { kind: job.kind, attempts: job.attempts },
    });
    return { ...job, status: 'pending', runAt: now, attempts: 0 };
  });
}

/** A failed job deleted: the runner never sees it again, and the audit log keeps its kind. */
export async function discardFailedJob(prisma: Prisma, id: string, actor: Actor): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const job = await failedJob(tx, id, 'discarded');
    await tx.job.delete({ where: { id } });
    await recordAudit(tx, {
      actor,
      action: 'job.discarded',
      subject: { type: 'job', id },
      details: { kind: job.kind, attempts: job.attempts },
    });
  });
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

async function failedJob(tx: Tx, id: string, what: string) {
  // Locked so a runner's claim or a second operator cannot slip in between the check and the change.
  const [locked] = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT "id"::text AS "id" FROM "Job" WHERE "id" = ${id}::uuid FOR UPDATE`;
  const job = locked ? await tx.job.findUnique({ where: { id } }) : null;
  if (!job) throw new NotFound(`No job ${id} (see jobs:list)`);
  if (job.status !== 'failed')
    throw new Conflict('job_not_failed', `job ${id} is ${job.status}, not failed: only a failed job can be ${what}`);
  return { ...job, lastError: job.lastError === null ? null : maskPhoneNumbers(job.lastError) };
}
