import { createLogger } from '../../src/core/logger.js';
import type { Database } from '../../src/db/database.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { queueJob } from '../../src/jobs/kinds.js';
import { inOperatorsDatabase, openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runCli, tempDataDir } from '../helpers/process.js';
import { databaseKinds } from '../helpers/services.js';

const logger = createLogger({ level: 'silent' });
const messageId = '0190a3c2-7d1e-7000-8000-00000000abcd';

describe.each(databaseKinds())('The operator looks after failed jobs on the %s database', (kind) => {
  let env: Record<string, string>;
  let postgres: TestDatabase | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') {
      postgres = await openTestDatabase('postgres');
      env = { DATABASE_URL: postgres.url! };
    } else {
      env = { DATA_DIR: await tempDataDir() };
      // The first command makes and migrates the embedded database.
      expect((await runCli(['jobs:list'], env)).code).toBe(0);
    }
  });
  afterAll(() => postgres?.drop());

  const inDatabase = <T>(work: (db: Database) => Promise<T>) =>
    inOperatorsDatabase({ postgres, dataDir: env.DATA_DIR }, work);

  beforeEach(() => inDatabase((db) => db.prisma.job.deleteMany()));

  /** A confirmation text Twilio kept refusing, as the runner leaves it after its last attempt. */
  const failedText = (error = 'Twilio said 21211: +447700900123 is not a valid phone number') =>
    inDatabase(async (db) => {
      await queueJob(db.prisma, 'text.send', { messageId }, { dedupeKey: `text:${messageId}` });
      const job = await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } });
      await db.prisma.job.update({
        where: { id: job.id },
        data: { status: 'failed', attempts: 8, lastError: error, runAt: new Date('2027-01-04T09:00:00Z') },
      });
      return job.id;
    });

  it('jobs:list --failed shows the failed text as a table, its number masked and its payload never shown', async () => {
    const id = await failedText();
    await inDatabase((db) => queueJob(db.prisma, 'recordings.reconcile', {}));

    const table = await runCli(['jobs:list', '--failed'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+STATUS\s+ATTEMPTS\s+DUE\s+LAST ERROR$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${id}  text\\.send\\s+failed  8/8\\s+2027-01-04T09:00:00\\.000Z  Twilio said 21211: \\+44•+23 is not`,
      ),
    );
    expect(table.stdout).not.toContain('+447700900123');
    expect(table.stdout).not.toContain(messageId);

    const json = JSON.parse((await runCli(['jobs:list', '--json'], env)).stdout);
    expect(json.map((j: { kind: string }) => j.kind)).toEqual(['recordings.reconcile', 'text.send']);
    expect(json[1]).toMatchObject({ id, status: 'failed', attempts: 8, maxAttempts: 8 });
    expect(json[1]).not.toHaveProperty('payload');
    expect(JSON.stringify(json)).not.toContain('+447700900123');

    const byKind = JSON.parse((await runCli(['jobs:list', '--kind', 'recordings.reconcile', '--json'], env)).stdout);
    expect(byKind).toEqual([expect.objectContaining({ kind: 'recordings.reconcile', status: 'pending' })]);
    expect((await runCli(['jobs:list', '--failed', '--kind', 'callback.dial'], env)).stdout).toBe('No failed jobs.\n');
  });

  it('a failed text retried is picked up by the job runner and sent once', async () => {
    const id = await failedText();
    const retried = await runCli(['jobs:retry', id], env);
    expect(retried.stderr).toContain(`job ${id} (text.send) is pending again`);
    expect(retried.code).toBe(0);

    const job = await inDatabase((db) => db.prisma.job.findUniqueOrThrow({ where: { id } }));
    expect(job).toMatchObject({ status: 'pending', attempts: 0 });
    expect(job.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(
      await inDatabase((db) =>
        db.prisma.auditEntry.findMany({
          where: { action: 'job.retried', subjectId: id },
          select: { actorType: true, details: true },
        }),
      ),
    ).toEqual([{ actorType: 'operator', details: { kind: 'text.send', attempts: 8 } }]);

    const sent: unknown[] = [];
    await inDatabase(async (db) => {
      const runner = new JobRunner(db, { 'text.send': async (payload) => void sent.push(payload) }, { logger });
      expect(await runner.runDue()).toBe(1);
      expect(await runner.runDue()).toBe(0);
    });
    expect(sent).toEqual([{ messageId }]);
    expect(await inDatabase((db) => db.prisma.job.findUniqueOrThrow({ where: { id } }))).toMatchObject({
      status: 'done',
      attempts: 1,
    });
  });

  it('jobs:discard deletes a failed job, audited, and the runner never sees it', async () => {
    const id = await failedText();
    const discarded = await runCli(['jobs:discard', id], env);
    expect(discarded.code).toBe(0);
    expect(await inDatabase((db) => db.prisma.job.count({ where: { id } }))).toBe(0);
    expect(
      await inDatabase((db) =>
        db.prisma.auditEntry.count({ where: { action: 'job.discarded', subjectId: id, actorType: 'operator' } }),
      ),
    ).toBe(1);
  });

  it('a job that has not failed is neither retried nor discarded, and stays as it was', async () => {
    await inDatabase((db) => queueJob(db.prisma, 'recordings.reconcile', {}, { runAt: new Date('2030-01-01Z') }));
    const { id } = await inDatabase((db) => db.prisma.job.findFirstOrThrow());
    for (const command of ['jobs:retry', 'jobs:discard']) {
      const result = await runCli([command, id], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: job ${id} is pending, not failed`);
    }
    expect(await inDatabase((db) => db.prisma.job.findUniqueOrThrow({ where: { id } }))).toMatchObject({
      status: 'pending',
      runAt: new Date('2030-01-01Z'),
    });
    expect(await inDatabase((db) => db.prisma.auditEntry.count({ where: { subjectId: id } }))).toBe(0);

    const missing = await runCli(['jobs:retry', '00000000-0000-4000-8000-000000000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No job 00000000-0000-4000-8000-000000000000');
  });

  it.each([
    [['jobs:retry'], /jobs:retry: give one job id/],
    [['jobs:retry', 'abc'], /jobs:retry: must be a job id/],
    [['jobs:discard', 'a', 'b'], /jobs:discard: give one job id/],
    [['jobs:list', 'extra'], /Unexpected argument 'extra'/],
  ])('bad arguments %j print usage and exit 2', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
