import { queueText } from '../../src/texts/texts.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeClinic } from '../helpers/fixtures.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const TOKEN = 'c'.repeat(32);

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWith(needs.postgres, 'A server killed in the middle of a job (real processes on PostgreSQL)', () => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    standin = new TwilioStandin(ACCOUNT, { authToken: TOKEN });
    await standin.start();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await standin.stop();
    await db.drop();
  });

  it('the job is completed by the restarted server once the dead one\'s lease runs out', async () => {
    const clinic = await makeClinic(db.prisma);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true } });
    const env = {
      DATABASE_URL: db.url,
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_API_BASE_URL: standin.url,
      JOBS_LEASE_SECONDS: '2',
      DATA_DIR: await tempDataDir(),
    };
    // Twilio stalls on the first send, so the server is killed while the job is in its hands.
    standin.fail({ path: /\/Messages\.json$/, delayMs: 120_000 });
    servers.push(await startServerProcess(env));
    const messageId = await db.prisma.$transaction((tx) => queueText(tx, { clinicId: clinic.id, kind: 'missed_call', to: '+447700900123', body: 'Sorry we missed your call.' }));
    await until('the first server to start sending', () => standin.requests.some((r) => r.path.endsWith('/Messages.json')));
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } })).toMatchObject({ status: 'running', attempts: 1 });
    await servers[0]!.stop('SIGKILL');

    servers.push(await startServerProcess(env));
    // The text is recorded as sent, then the job as done: wait for the last of the two.
    const job = await until('the job to be done', async () => {
      const j = await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } });
      return j.status === 'done' ? j : undefined;
    });
    expect(job.attempts).toBe(2);
    expect(await db.prisma.textMessage.findUniqueOrThrow({ where: { id: messageId! } })).toMatchObject({ status: 'sent', messageSid: expect.stringMatching(/^SM/) });
    expect(standin.messages.filter((m) => m.to === '+447700900123')).toHaveLength(1);
  });
});
