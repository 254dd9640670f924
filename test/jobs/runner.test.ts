import { Writable } from 'node:stream';
import { openPostgresDatabase } from '../../src/db/database.js';
import { backoffMs, enqueueJob, JobRunner, PermanentJobError, type JobHandler } from '../../src/jobs/runner.js';
import { createLogger } from '../../src/core/logger.js';
import { testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { databaseKinds } from '../helpers/services.js';
import { until } from '../helpers/until.js';

const logger = createLogger({ level: 'silent' });

describe.each(databaseKinds())('Durable jobs on the %s database', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());
  beforeEach(() => db.prisma.job.deleteMany());

  it('a job that fails twice is retried after its back-off and completes once', async () => {
    const clock = testClock(new Date('2027-01-04T09:00:00Z'));
    let calls = 0;
    const runner = new JobRunner(
      db,
      {
        flaky: async () =>
          void (
            ++calls <= 2 &&
            (() => {
              throw new Error('Twilio said 503 to +447700900123');
            })()
          ),
      },
      { logger, clock },
    );
    await enqueueJob(db.prisma, 'flaky', { n: 1 }, { runAt: clock() });

    expect(await runner.runDue()).toBe(1);
    let job = await db.prisma.job.findFirstOrThrow();
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    // Kept for the operator, with the number masked as in the logs.
    expect(job.lastError).toMatch(/^Twilio said 503 to \+44/);
    expect(job.lastError).not.toContain('+447700900123');
    // Not due again until its back-off has passed.
    expect(await runner.runDue()).toBe(0);
    clock.advance(backoffMs(1));
    expect(await runner.runDue()).toBe(1);
    clock.advance(backoffMs(2));
    expect(await runner.runDue()).toBe(1);
    clock.advance(backoffMs(3));
    expect(await runner.runDue()).toBe(0);

    job = await db.prisma.job.findFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    expect(calls).toBe(3);
  });

  it("names the job on every line written while it runs, the handler's own and the runner's", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const heard = createLogger({
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    });
    const runner = new JobRunner(
      db,
      {
        'text.send': async () => {
          heard.warn('Twilio refused the text');
          throw new PermanentJobError('refused');
        },
      },
      { logger: heard },
    );
    await enqueueJob(db.prisma, 'text.send', { n: 1 });
    expect(await runner.runDue()).toBe(1);
    const job = await db.prisma.job.findFirstOrThrow();
    expect(lines.map((l) => [l.msg, l.jobId, l.jobKind])).toEqual([
      ['Twilio refused the text', job.id, 'text.send'],
      ['job failed for good', job.id, 'text.send'],
    ]);
  });

  it('a job that hangs (a download from a Twilio that stalls) does not hold up the others', async () => {
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const done: string[] = [];
    const runner = new JobRunner(
      db,
      { stalls: () => hanging, quick: async (payload) => void done.push((payload as { n: number }).n.toString()) },
      { logger, pollMs: 20, batchSize: 2 },
    );
    await enqueueJob(db.prisma, 'stalls', {});
    runner.start();
    await until(
      'the hanging job to be running',
      async () => (await db.prisma.job.count({ where: { kind: 'stalls', status: 'running' } })) === 1,
      5_000,
    );
    // More jobs than the one free place, arriving while it hangs: they all run, one after another.
    for (let n = 1; n <= 5; n++) await enqueueJob(db.prisma, 'quick', { n });
    await until('the other jobs to run', () => done.length === 5, 5_000);
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'stalls' } })).toMatchObject({ status: 'running' });
    release();
    await runner.stop();
    expect(await db.prisma.job.count({ where: { status: 'done' } })).toBe(6);
  });

  it('a permanent failure, or running out of attempts, marks the job failed and stops retrying', async () => {
    const clock = testClock();
    const runner = new JobRunner(
      db,
      {
        bad: async () => {
          throw new PermanentJobError('number is not a mobile');
        },
        worse: async () => {
          throw new Error('down');
        },
      },
      { logger, clock },
    );
    await enqueueJob(db.prisma, 'bad', {}, { runAt: clock() });
    await enqueueJob(db.prisma, 'worse', {}, { runAt: clock(), maxAttempts: 2 });
    await enqueueJob(db.prisma, 'unknown-kind', {}, { runAt: clock() });
    for (let i = 0; i < 4; i++) {
      await runner.runDue();
      clock.advance(backoffMs(i + 1));
    }
    const jobs = await db.prisma.job.findMany({ orderBy: { kind: 'asc' } });
    expect(jobs.map((j) => [j.kind, j.status, j.attempts])).toEqual([
      ['bad', 'failed', 1],
      ['unknown-kind', 'failed', 1],
      ['worse', 'failed', 2],
    ]);
  });

  it('enqueueing the same dedupe key twice makes one job', async () => {
    await enqueueJob(db.prisma, 'text', { a: 1 }, { dedupeKey: 'missed:+447700900123:2027-01-04' });
    await enqueueJob(db.prisma, 'text', { a: 2 }, { dedupeKey: 'missed:+447700900123:2027-01-04' });
    expect(await db.prisma.job.count()).toBe(1);
  });

  it('a runner that dies holding a job loses it when its lease runs out; another completes it, and the dead one cannot', async () => {
    const clock = testClock();
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const dying = new JobRunner(
      db,
      {
        work: async () => {
          ran.push('dying');
          await stuck;
        },
      },
      { logger, clock, leaseMs: 30_000 },
    );
    const healthy = new JobRunner(
      db,
      { work: async () => void ran.push('healthy') },
      { logger, clock, leaseMs: 30_000 },
    );
    await enqueueJob(db.prisma, 'work', {}, { runAt: clock() });

    const inHand = dying.runDue();
    while (ran.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await healthy.runDue()).toBe(0); // leased
    clock.advance(30_001);
    expect(await healthy.runDue()).toBe(1);
    expect(await db.prisma.job.findFirstOrThrow()).toMatchObject({ status: 'done', attempts: 2 });

    // The first runner wakes up: its completion must not touch the job again.
    await db.prisma.job.updateMany({ data: { doneAt: new Date('2000-01-01T00:00:00Z') } });
    release();
    await inHand;
    expect((await db.prisma.job.findFirstOrThrow()).doneAt?.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect(ran).toEqual(['dying', 'healthy']);
  });

  it('runners racing over the same jobs run each exactly once', async () => {
    const clock = testClock();
    const seen: string[] = [];
    const handler: JobHandler = async (payload) => {
      seen.push((payload as { n: string }).n);
      await new Promise((r) => setTimeout(r, 2));
    };
    for (let n = 0; n < 60; n++) await enqueueJob(db.prisma, 'count', { n: String(n) }, { runAt: clock() });
    // On PostgreSQL each runner has its own connection pool, as separate instances would.
    const handles =
      kind === 'postgres'
        ? [
            openPostgresDatabase(db.url!, { poolSize: 2 }),
            openPostgresDatabase(db.url!, { poolSize: 2 }),
            openPostgresDatabase(db.url!, { poolSize: 2 }),
          ]
        : [db, db, db];
    try {
      const runners = handles.map((h) => new JobRunner(h, { count: handler }, { logger, clock, batchSize: 4 }));
      await Promise.all(
        runners.map(async (r) => {
          while ((await r.runDue()) > 0);
        }),
      );
    } finally {
      if (kind === 'postgres') await Promise.all(handles.map((h) => h.close()));
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(await db.prisma.job.count({ where: { status: 'done' } })).toBe(60);
  });
});
