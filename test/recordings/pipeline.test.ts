import { readFile } from 'node:fs/promises';
import type { AppEvent } from '../../src/core/events.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { backoffMs, JobRunner } from '../../src/jobs/runner.js';
import { open } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { applyVoicemailCallback } from '../../src/reception/call-backs.js';
import { reconcileRecordings } from '../../src/recordings/reconcile.js';
import { FileStorage } from '../../src/recordings/storage.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeClinic } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid, inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { expectRequestsMatchTwilio } from '../helpers/twilio-spec.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2027-06-07T08:00:00Z');
let sidSeq = 0x7ec0000;

describe.each(databaseKinds())('Recordings come home encrypted (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
  });
  afterAll(async () => {
    expectRequestsMatchTwilio(standin.requests);
    await standin.stop();
    await db.drop();
  });

  /** A clinic, a call to it that Twilio recorded (the audio waits at the stand-in), and the service's job runner. */
  async function recordedCall(options: { source?: 'RecordVerb' | 'StartCallRecordingAPI' } = {}) {
    const clinic = await makeClinic(db.prisma);
    const clock = testClock(NOW);
    const { app, ctx } = makeTestApp(db, {
      clock,
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    const events: AppEvent[] = [];
    ctx.events.subscribe((e) => events.push(e));
    const sid = callSid(sidSeq++);
    await signedTwilioPost(
      app,
      '/twilio/voice',
      inboundCall({ CallSid: sid, To: clinic.numbers[0]!, From: '+447700900123' }),
    );
    const audio = Buffer.from(`ID3 the caller's words ${sid} `.repeat(200));
    const atTwilio = standin.addRecording(sid, audio, 14, {
      source: options.source,
      dateCreated: new Date(NOW.getTime() - 3_600_000),
    });
    const runner = new JobRunner(db, jobHandlers(ctx), { logger: ctx.logger, clock });
    const callback = (query = '') =>
      signedTwilioPost(app, `/twilio/recording${query}`, {
        AccountSid: ACCOUNT,
        CallSid: sid,
        RecordingSid: atTwilio.sid,
        RecordingStatus: 'completed',
        RecordingDuration: '14',
        RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${atTwilio.sid}`,
      });
    const row = () => db.prisma.recording.findUniqueOrThrow({ where: { recordingSid: atTwilio.sid } });
    return { clinic, app, ctx, clock, events, sid, audio, atTwilio, runner, callback, row };
  }

  const stored = async (ctx: { recordings: { get(id: string): Promise<Buffer | null>; kind: string } }, id: string) =>
    (await ctx.recordings.get(id))!;

  it('a voicemail is fetched, stored encrypted, deleted at Twilio and announced once, however often Twilio calls back', async () => {
    const { clinic, ctx, events, audio, atTwilio, runner, callback, row } = await recordedCall({
      source: 'RecordVerb',
    });
    expect((await callback('?kind=voicemail')).status).toBe(200);
    await callback('?kind=voicemail');
    await runner.runDue();
    await callback('?kind=voicemail'); // Twilio repeats the callback after the job ran

    const recording = await row();
    expect(recording).toMatchObject({
      kind: 'voicemail',
      status: 'stored',
      sizeBytes: audio.length,
      deletedAtTwilio: expect.any(Date),
    });
    const sealed = await stored(ctx, recording.id);
    if (ctx.recordings instanceof FileStorage)
      expect(await readFile(ctx.recordings.pathOf(recording.id))).toEqual(sealed);
    expect(sealed.includes(audio.subarray(0, 32))).toBe(false);
    expect(open(await clinicDataKey(db.prisma, ctx.config.recordingsKey, clinic.id), sealed, recording.id)).toEqual(
      audio,
    );
    // Bound to its own row: the same bytes under another recording's id do not open.
    expect(() => open(ctx.config.recordingsKey, sealed, recording.id)).toThrow();
    expect(standin.recordings.has(atTwilio.sid)).toBe(false);
    expect(events.filter((e) => e.name === 'recording.ready')).toEqual([
      expect.objectContaining({
        clinicId: clinic.id,
        data: { recordingId: recording.id, callId: recording.callId, kind: 'voicemail', durationSeconds: 14 },
      }),
    ]);
    expect(
      await db.prisma.job.count({
        where: { kind: 'recording.fetch', payload: { equals: { recordingId: recording.id } } },
      }),
    ).toBe(1);
  });

  it('a whole-call recording: Twilio failing twice, then answering, stores it once', async () => {
    const { ctx, clock, audio, atTwilio, runner, callback, row, events } = await recordedCall();
    await callback();
    standin.fail({ method: 'GET', path: new RegExp(`/Recordings/${atTwilio.sid}\\.mp3$`), times: 2 });
    for (let i = 0; i < 4; i++) {
      await runner.runDue();
      clock.advance(backoffMs(i + 1));
    }
    const recording = await row();
    expect(recording).toMatchObject({ kind: 'call', status: 'stored' });
    expect(
      open(
        await clinicDataKey(db.prisma, ctx.config.recordingsKey, recording.clinicId),
        await stored(ctx, recording.id),
        recording.id,
      ),
    ).toEqual(audio);
    expect(
      await db.prisma.job.findFirstOrThrow({
        where: { kind: 'recording.fetch', payload: { equals: { recordingId: recording.id } } },
      }),
    ).toMatchObject({ status: 'done', attempts: 3 });
    expect(
      standin.requests.filter(
        (r) => r.method === 'GET' && r.path.endsWith(`${atTwilio.sid}.mp3`) && r.response === undefined,
      ),
    ).toHaveLength(1);
    expect(events.filter((e) => e.name === 'recording.ready')).toHaveLength(1);
  });

  it("a recording with no sound is recorded as such, not stored, and Twilio's copy is deleted", async () => {
    const { app, sid, atTwilio, runner, row, ctx } = await recordedCall();
    await signedTwilioPost(app, '/twilio/recording', {
      AccountSid: ACCOUNT,
      CallSid: sid,
      RecordingSid: atTwilio.sid,
      RecordingStatus: 'absent',
      RecordingDuration: '0',
    });
    await runner.runDue();
    const recording = await row();
    expect(recording).toMatchObject({ status: 'absent', storedAt: null, deletedAtTwilio: expect.any(Date) });
    expect(await ctx.recordings.get(recording.id)).toBeNull();
    expect(standin.recordings.has(atTwilio.sid)).toBe(false);
  });

  it("a recording whose callback never arrived is found by reconciliation, fetched and deleted; another application's is left alone", async () => {
    const { ctx, atTwilio, runner, row, audio } = await recordedCall({ source: 'RecordVerb' });
    const strangers = standin.addRecording(callSid(0xabcdef), Buffer.from('not ours'), 5, {
      dateCreated: new Date(NOW.getTime() - 3_600_000),
    });
    const first = await reconcileRecordings(ctx, (lost) => applyVoicemailCallback(ctx, lost));
    expect(first.filed).toBe(1);
    await runner.runDue();
    const recording = await row();
    expect(recording).toMatchObject({ kind: 'voicemail', status: 'stored' });
    expect(
      open(
        await clinicDataKey(db.prisma, ctx.config.recordingsKey, recording.clinicId),
        await stored(ctx, recording.id),
        recording.id,
      ),
    ).toEqual(audio);
    expect(await db.prisma.callBack.count({ where: { callId: recording.callId, reason: 'voicemail' } })).toBe(1);
    expect(standin.recordings.has(atTwilio.sid)).toBe(false);
    expect(standin.recordings.has(strangers.sid)).toBe(true);
    standin.recordings.delete(strangers.sid);
  });
});
