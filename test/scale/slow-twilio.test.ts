// Twilio's REST API stalls (a slow or failing Twilio, or the network to it): the
// webhooks a call makes never wait on it — Twilio gives a webhook 15 s and then
// plays "an application error has occurred" — and the work that needs Twilio (texts,
// bringing a voicemail home) is done by jobs that retry until Twilio answers.
import type { Express } from 'express';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { Caller } from '../helpers/caller.js';
import { databaseAndStandin } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs } from '../helpers/services.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { until } from '../helpers/until.js';

const ACCOUNT = 'AC' + 'c'.repeat(32);

describeWith(needs.postgres, 'Twilio stalls (real process on PostgreSQL)', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });
  const world = databaseAndStandin('postgres', ACCOUNT);

  it('no webhook waits on it, and the jobs finish once it answers again', async () => {
    const { db, standin } = world;
    const { clinic } = await makeDiary(db.prisma);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { textMessages: true, minNoticeMinutes: 0 } });
    await db.prisma.openingHours.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, startMinute: 0, endMinute: 1440 })),
    });
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      PUBLIC_BASE_URL: TEST_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_API_BASE_URL: standin.url,
      DATA_DIR: await tempDataDir(),
    });
    const app = server.url as unknown as Express;
    // A first call while Twilio is well, so the new process has its code warm and its
    // database connections open: what follows is about Twilio, not a cold start.
    const early = new Caller(app, clinic.numbers[0]!, '+447700900789');
    await early.dial();
    await signedTwilioPost(app, '/twilio/status', {
      AccountSid: ACCOUNT,
      CallSid: early.sid,
      CallStatus: 'completed',
      CallDuration: '5',
      From: '+447700900789',
      To: clinic.numbers[0]!,
    });

    // Every REST request hangs for 20 s: past the REST client's 10 s and the 2 s a
    // webhook has (a download waits up to a minute, and gets its answer late).
    for (const method of ['GET', 'POST', 'DELETE']) standin.fail({ method, path: /./, times: 1_000, delayMs: 20_000 });

    // Jane books by phone: her confirmation text must go through Twilio.
    const jane = new Caller(app, clinic.numbers[0]!, '+447700900123');
    await jane.dial();
    await jane.press('1');
    await jane.press('1');
    await jane.press('1');
    await jane.press('23041980');
    await jane.press('1');
    expect(jane.heard()).toContain("You're booked");
    // John leaves a voicemail (nobody at reception, no desk phone): it must be fetched from Twilio.
    const john = new Caller(app, clinic.numbers[0]!, '+447700900456');
    await john.dial();
    await john.press('3');
    expect(john.recorder()).toBeDefined();
    await john.finishRecording(7);
    const atTwilio = standin.addRecording(john.sid, Buffer.from('ID3 a message left while Twilio was slow'), 7, {
      source: 'RecordVerb',
    });
    await signedTwilioPost(app, '/twilio/recording?kind=voicemail', {
      AccountSid: ACCOUNT,
      CallSid: john.sid,
      RecordingSid: atTwilio.sid,
      RecordingStatus: 'completed',
      RecordingDuration: '7',
    });
    for (const caller of [jane, john]) {
      await signedTwilioPost(app, '/twilio/status', {
        AccountSid: ACCOUNT,
        CallSid: caller.sid,
        CallStatus: 'completed',
        CallDuration: '40',
        From: '+447700900000',
        To: clinic.numbers[0]!,
      });
    }
    // Twilio allows 15 s; a webhook still busy after 2 s is answered with the apology
    // and logged. A webhook waiting on the stalled Twilio would always get there (the
    // REST client waits 10 s), so none did. (Judged by the deadline the callers live by,
    // not a stopwatch of the test's own: CI's slowest answer was 1.1 s, a cold start.)
    const answeredLate = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('took too long'))
      .map((line) => (JSON.parse(line) as { path: string }).path);
    expect(answeredLate).toEqual([]);

    // The jobs did try (and are waiting to try again) …
    await until(
      'the text and the download to reach Twilio',
      () =>
        standin.requests.some((r) => r.path.endsWith('/Messages.json')) &&
        standin.requests.some((r) => r.path.endsWith('.mp3')),
      15_000,
    );
    expect(await db.prisma.textMessage.count({ where: { clinicId: clinic.id, status: 'sent' } })).toBe(0);
    // … and finish once Twilio answers again.
    standin.recover();
    await until(
      'the confirmation text to be sent',
      async () =>
        (await db.prisma.textMessage.count({ where: { clinicId: clinic.id, kind: 'booked', status: 'sent' } })) === 1,
      60_000,
    );
    await until(
      'the voicemail to be stored',
      async () =>
        (await db.prisma.recording.findUnique({ where: { recordingSid: atTwilio.sid } }))?.status === 'stored',
      60_000,
    );
    const text = await db.prisma.job.findFirstOrThrow({ where: { kind: 'text.send' } });
    expect(text.attempts).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
