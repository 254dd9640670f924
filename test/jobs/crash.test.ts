import { open, unwrapDataKey } from '../../src/recordings/crypto.js';
import { queueRecordingFetch } from '../../src/recordings/pipeline.js';
import { queueText } from '../../src/texts/texts.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeClinic } from '../helpers/fixtures.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';

import { until } from '../helpers/until.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const TOKEN = 'c'.repeat(32);

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

  const baseEnv = () => ({
    DATABASE_URL: db.url,
    SESSION_SECRET: 'x'.repeat(40),
    RECORDINGS_KEY: 'ab'.repeat(32),
    TWILIO_ACCOUNT_SID: ACCOUNT,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_API_BASE_URL: standin.url,
    JOBS_LEASE_SECONDS: '2',
  });

  it("the job is completed by the restarted server once the dead one's lease runs out", async () => {
    const clinic = await makeClinic(db.prisma);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true } });
    const env = { ...baseEnv(), DATA_DIR: await tempDataDir() };
    // Twilio stalls on the first send, so the server is killed while the job is in its hands.
    standin.fail({ path: /\/Messages\.json$/, delayMs: 120_000 });
    servers.push(await startServerProcess(env));
    const messageId = await db.prisma.$transaction((tx) =>
      queueText(tx, {
        clinicId: clinic.id,
        kind: 'missed_call',
        to: '+447700900123',
        body: 'Sorry we missed your call.',
      }),
    );
    await until('the first server to start sending', () =>
      standin.requests.some((r) => r.path.endsWith('/Messages.json')),
    );
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } })).toMatchObject({
      status: 'running',
      attempts: 1,
    });
    await servers[0]!.stop('SIGKILL');

    servers.push(await startServerProcess(env));
    // The text is recorded as sent, then the job as done: wait for the last of the two.
    const job = await until('the job to be done', async () => {
      const j = await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } });
      return j.status === 'done' ? j : undefined;
    });
    expect(job.attempts).toBe(2);
    expect(await db.prisma.textMessage.findUniqueOrThrow({ where: { id: messageId! } })).toMatchObject({
      status: 'sent',
      messageSid: expect.stringMatching(/^SM/),
    });
    expect(standin.messages.filter((m) => m.to === '+447700900123')).toHaveLength(1);
  });

  it('a recording being fetched when the server dies is stored once by the restarted server, and deleted at Twilio', async () => {
    const clinic = await makeClinic(db.prisma);
    const env = { ...baseEnv(), DATA_DIR: await tempDataDir() };
    const call = await db.prisma.call.create({
      data: {
        callSid: 'CA' + 'e'.repeat(32),
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date(),
      },
    });
    const audio = Buffer.from('ID3 a voicemail that must not be lost '.repeat(100));
    const atTwilio = standin.addRecording(call.callSid, audio, 9, { source: 'RecordVerb' });
    // Twilio stalls on the first download, so the server is killed while the job is in its hands.
    standin.fail({ method: 'GET', path: /\.mp3$/, delayMs: 120_000 });
    servers.push(await startServerProcess(env));
    const recording = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        kind: 'voicemail',
        recordingSid: atTwilio.sid,
        status: 'completed',
        durationSeconds: 9,
      },
    });
    await queueRecordingFetch(db.prisma, atTwilio.sid, recording.id);
    await until('the first server to start downloading', () => standin.requests.some((r) => r.path.endsWith('.mp3')));
    await servers.at(-1)!.stop('SIGKILL');

    servers.push(await startServerProcess(env));
    const job = await until('the job to be done', async () => {
      const j = await db.prisma.job.findFirstOrThrow({ where: { kind: 'recording.fetch' } });
      return j.status === 'done' ? j : undefined;
    });
    expect(job.attempts).toBe(2);
    const stored = await db.prisma.recording.findUniqueOrThrow({
      where: { id: recording.id },
      include: { blob: true },
    });
    expect(stored).toMatchObject({ status: 'stored', sizeBytes: audio.length, deletedAtTwilio: expect.any(Date) });
    const key = unwrapDataKey(
      Buffer.from(env.RECORDINGS_KEY, 'hex'),
      Buffer.from((await db.prisma.clinicKey.findUniqueOrThrow({ where: { clinicId: clinic.id } })).wrappedKey),
      clinic.id,
    );
    expect(open(key, Buffer.from(stored.blob!.data), recording.id)).toEqual(audio);
    expect(standin.recordings.has(atTwilio.sid)).toBe(false);
  });
});
