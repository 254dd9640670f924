// The scaled-out mode for real: two server processes on one PostgreSQL and one
// Redis, behind a round-robin balancer (no sticky sessions), driven as Twilio and
// as the dashboard would drive them.
import { DateTime } from 'luxon';
import { io as connect, type Socket } from 'socket.io-client';
import type { Express } from 'express';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import { roundRobin } from '../helpers/balancer.js';
import { Caller } from '../helpers/caller.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { makeStaff } from '../helpers/fixtures.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { describeWith, needs, redisUrl } from '../helpers/services.js';
import { signedTwilioPost } from '../helpers/twilio.js';
import { signIn } from '../helpers/http-browser.js';
import { until } from '../helpers/until.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);

describeWith(needs.postgresAndRedis, 'Two instances on PostgreSQL and Redis (real processes)', () => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  const servers: ServerProcess[] = [];
  let balancer: Awaited<ReturnType<typeof roundRobin>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      SESSION_SECRET: 'x'.repeat(40),
      RECORDINGS_KEY: 'ab'.repeat(32),
      PUBLIC_BASE_URL: TEST_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_API_BASE_URL: standin.url,
    };
    servers.push(
      await startServerProcess({ ...env, DATA_DIR: await tempDataDir() }),
      await startServerProcess({ ...env, DATA_DIR: await tempDataDir() }),
    );
    balancer = await roundRobin(servers.map((s) => s.url));
  }, 90_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await balancer?.close();
    for (const s of servers) await s.stop();
    await standin.stop();
    await db.drop();
  });

  it('a whole call goes through both: its steps alternate instances, the dashboard on the other hears it, the voicemail is fetched once', async () => {
    const { clinic } = await makeDiary(db.prisma);
    await db.prisma.openingHours.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ clinicId: clinic.id, weekday, startMinute: 0, endMinute: 1440 })),
    });
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    // Anna's dashboard is connected to instance B only.
    const session = await signIn(servers[0]!.url, anna);
    const socket = connect(servers[1]!.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: session.cookie(), origin: TEST_BASE_URL },
    });
    sockets.push(socket);
    const heard: string[] = [];
    socket.onAny((name: string) => heard.push(name));
    await new Promise<void>((resolve) => socket.once('ready', () => resolve()));

    // Twilio reaches the instances through the balancer, one request here, the next there.
    const jane = new Caller(balancer.url as unknown as Express, clinic.numbers[0]!, '+447700900123');
    await jane.dial();
    await jane.press('3'); // reception: nobody available, no desk phone → voicemail
    expect(jane.recorder()).toBeDefined();
    const atTwilio = standin.addRecording(jane.sid, Buffer.from('ID3 a message left across two instances'), 9, {
      source: 'RecordVerb',
    });
    await jane.finishRecording(9);
    const recordingCallback = {
      AccountSid: ACCOUNT,
      CallSid: jane.sid,
      RecordingSid: atTwilio.sid,
      RecordingStatus: 'completed',
      RecordingDuration: '9',
    };
    for (let i = 0; i < 2; i++)
      await signedTwilioPost(balancer.url as unknown as Express, '/twilio/recording?kind=voicemail', recordingCallback); // repeated: once to each instance
    await signedTwilioPost(balancer.url as unknown as Express, '/twilio/status', {
      AccountSid: ACCOUNT,
      CallSid: jane.sid,
      CallStatus: 'completed',
      CallDuration: '40',
      From: '+447700900123',
      To: clinic.numbers[0]!,
    });

    await until(
      'the voicemail to be stored',
      async () =>
        (await db.prisma.recording.findUnique({ where: { recordingSid: atTwilio.sid } }))?.status === 'stored',
    );
    await until('recording.ready on the dashboard', () => heard.includes('recording.ready'));
    await until('call.ended on the dashboard', () => heard.includes('call.ended'));
    // The recording's job and the call's end race each other (either may reach the dashboard first); each comes once.
    const seen = heard.filter((n) => ['call.ringing', 'voicemail.new', 'call.ended', 'recording.ready'].includes(n));
    expect(seen.slice(0, 2)).toEqual(['call.ringing', 'voicemail.new']);
    expect(seen.slice(2).sort()).toEqual(['call.ended', 'recording.ready']);
    // Whichever instance ran the job, it ran once: one download, one deletion at Twilio.
    expect(standin.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`${atTwilio.sid}.mp3`))).toHaveLength(
      1,
    );
    expect(standin.requests.filter((r) => r.method === 'DELETE' && r.path.includes(atTwilio.sid))).toHaveLength(1);
    expect(await db.prisma.callBack.count({ where: { clinicId: clinic.id, reason: 'voicemail' } })).toBe(1);
  });

  it('1,000 bookings of one slot, half through each instance, at once: exactly one is booked', async () => {
    const { clinic, patel, checkUp, patient } = await makeDiary(db.prisma);
    const desk = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const browsers = [await signIn(servers[0]!.url, desk), await signIn(servers[1]!.url, desk)];
    // A Tuesday at 11:00 in London, a week or two ahead of the servers' real clock.
    const tuesday = DateTime.now()
      .setZone('Europe/London')
      .plus({ weeks: 1 })
      .set({ weekday: 2, hour: 11, minute: 0, second: 0, millisecond: 0 });
    const booking = {
      patientId: patient.id,
      practitionerId: patel.id,
      typeId: checkUp.id,
      startsAt: tuesday.toUTC().toISO(),
    };
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        browsers[i % 2]!.call('POST', `/api/clinics/${clinic.id}/appointments`, booking),
      ),
    );
    const byStatus = answers.reduce<Record<number, number>>(
      (n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }),
      {},
    );
    expect(byStatus).toEqual({ 201: 1, 409: 999 });
    expect(await db.prisma.appointment.count({ where: { clinicId: clinic.id, status: 'booked' } })).toBe(1);
  });
});
