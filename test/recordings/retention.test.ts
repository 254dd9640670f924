import { seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { purgeExpired } from '../../src/recordings/retention.js';
import { cutoffsFor, nextPurgeAt } from '../../src/recordings/retention-rules.js';
import { FileStorage } from '../../src/recordings/storage.js';
import { sealTranscript } from '../../src/recordings/transcripts.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid } from '../helpers/twilio.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2027-06-07T08:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
let sidSeq = 0x9e7e000;

describe('Retention dates', () => {
  it('each period counts whole days back from now, and the daily run is at midnight UTC', () => {
    expect(
      cutoffsFor(NOW, {
        recordingRetentionDays: 30,
        voicemailRetentionDays: 90,
        callLogRetentionDays: 365,
        auditRetentionDays: 730,
      }),
    ).toEqual({
      callRecordings: new Date('2027-05-08T08:00:00Z'),
      voicemails: new Date('2027-03-09T08:00:00Z'),
      callLog: new Date('2026-06-07T08:00:00Z'),
      audit: new Date('2025-06-07T08:00:00Z'),
    });
    expect(nextPurgeAt(NOW)).toEqual(new Date('2027-06-08T00:00:00Z'));
    expect(nextPurgeAt(new Date('2027-06-07T00:00:00Z'))).toEqual(new Date('2027-06-08T00:00:00Z'));
  });
});

describe.each(databaseKinds())('The retention purge (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN });
    await standin.start();
  });
  afterAll(async () => {
    await standin.stop();
    await db.drop();
  });

  /**
   * A clinic (recordings 30 days, voicemails 90, call log 365, audit 730) whose history
   * spans those periods; each call is named by what the purge must do with it.
   */
  async function clinicWithHistory() {
    const clinic = await makeClinic(db.prisma);
    const { ctx } = makeTestApp(db, {
      clock: testClock(NOW),
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    const key = await clinicDataKey(db.prisma, ctx.config.recordingsKey, clinic.id);
    const call = (age: number) =>
      db.prisma.call.create({
        data: {
          callSid: callSid(sidSeq++),
          clinicId: clinic.id,
          fromNumber: '+447700900123',
          toNumber: clinic.numbers[0]!,
          direction: 'inbound',
          status: 'completed',
          startedAt: daysAgo(age),
          outcome: 'voicemail',
        },
      });
    const recording = async (
      callId: string,
      age: number,
      kind: 'call' | 'voicemail',
      options: { atTwilio?: boolean; held?: boolean; transcribed?: boolean } = {},
    ) => {
      const sid = options.atTwilio
        ? standin.addRecording('CA' + 'f'.repeat(32)).sid
        : 'RE' + (sidSeq++).toString(16).padStart(32, '0');
      // A voicemail's transcript: here, and its transcription still at Twilio.
      let transcriptionSid: string | null = null;
      if (options.transcribed) {
        const spoken = standin.recordings.get(sid) ?? standin.addRecording('CA' + 'f'.repeat(32), undefined, 5);
        transcriptionSid = standin.startTranscription(spoken.sid).sid;
        standin.finishTranscription(transcriptionSid, 'Please call me back.', {});
        if (!options.atTwilio) standin.recordings.delete(spoken.sid);
      }
      const r = await db.prisma.recording.create({
        data: {
          clinicId: clinic.id,
          callId,
          kind,
          recordingSid: sid,
          status: 'stored',
          durationSeconds: 5,
          createdAt: daysAgo(age),
          deletedAtTwilio: options.atTwilio ? null : daysAgo(age),
          legalHold: options.held ?? false,
          holdReason: options.held ? 'Complaint under investigation' : null,
          ...(transcriptionSid ? { transcriptStatus: 'completed', transcriptionSid } : {}),
        },
      });
      await ctx.recordings.put(r.id, seal(key, Buffer.from(`audio of ${r.id}`), r.id));
      if (transcriptionSid)
        await db.prisma.recording.update({
          where: { id: r.id },
          data: { transcript: new Uint8Array(sealTranscript(key, 'Please call me back.', r.id)) },
        });
      return r;
    };
    const yearOld = await call(400);
    const yearOldRecording = await recording(yearOld.id, 400, 'call');
    await db.prisma.callBack.create({
      data: {
        clinicId: clinic.id,
        callId: yearOld.id,
        reason: 'voicemail',
        fromNumber: '+447700900123',
        createdAt: daysAgo(400),
      },
    });
    await db.prisma.callEvent.create({
      data: { callId: yearOld.id, at: daysAgo(400), kind: 'queued', dedupeKey: `${yearOld.callSid}:queued` },
    });
    const monthOld = await call(40);
    const expiredAtTwilio = await recording(monthOld.id, 40, 'call', { atTwilio: true });
    const keptVoicemail = await recording(monthOld.id, 40, 'voicemail');
    const quarterOld = await call(100);
    const expiredVoicemail = await recording(quarterOld.id, 100, 'voicemail', { transcribed: true });
    const held = await call(400);
    const heldRecording = await recording(held.id, 400, 'call', { held: true });
    const recent = await call(10);
    const recentRecording = await recording(recent.id, 10, 'call');
    await db.prisma.textMessage.createMany({
      data: [
        {
          clinicId: clinic.id,
          kind: 'missed_call',
          toNumber: '+447700900123',
          body: 'old',
          status: 'sent',
          createdAt: daysAgo(400),
        },
        {
          clinicId: clinic.id,
          kind: 'missed_call',
          toNumber: '+447700900123',
          body: 'new',
          status: 'sent',
          createdAt: daysAgo(10),
        },
      ],
    });
    await db.prisma.auditEntry.createMany({
      data: [
        { clinicId: clinic.id, actorType: 'system', action: 'old', at: daysAgo(800) },
        { clinicId: clinic.id, actorType: 'system', action: 'recent', at: daysAgo(10) },
      ],
    });
    const deps = { db, recordings: ctx.recordings, twilio: ctx.twilio, clock: ctx.clock };
    return {
      clinic,
      ctx,
      deps,
      calls: { yearOld, monthOld, quarterOld, held, recent },
      recordings: {
        yearOldRecording,
        expiredAtTwilio,
        keptVoicemail,
        expiredVoicemail,
        heldRecording,
        recentRecording,
      },
    };
  }

  /** Everything the clinic holds, for before/after comparisons. */
  async function snapshot(clinicId: string) {
    const [calls, recordings, texts, audit, events, callBacks] = await Promise.all([
      db.prisma.call.findMany({ where: { clinicId }, select: { id: true }, orderBy: { id: 'asc' } }),
      db.prisma.recording.findMany({ where: { clinicId }, select: { id: true }, orderBy: { id: 'asc' } }),
      db.prisma.textMessage.count({ where: { clinicId } }),
      db.prisma.auditEntry.count({ where: { clinicId } }),
      db.prisma.callEvent.count({ where: { call: { clinicId } } }),
      db.prisma.callBack.count({ where: { clinicId } }),
    ]);
    return { calls: calls.map((c) => c.id), recordings: recordings.map((r) => r.id), texts, audit, events, callBacks };
  }

  it('destroys exactly what has expired — audio and transcripts here and at Twilio, rows, call logs, texts, old audit entries — keeps what is held, and says so in the audit', async () => {
    const { clinic, ctx, deps, calls, recordings } = await clinicWithHistory();
    const before = await snapshot(clinic.id);
    const dry = await purgeExpired(deps, { dryRun: true, clinicId: clinic.id });
    const expected = {
      callRecordings: 2,
      voicemails: 1,
      calls: 1,
      texts: 1,
      auditEntries: 1,
      held: 1,
      retryAtTwilio: 0,
    };
    expect(dry!.clinics).toEqual([{ clinicId: clinic.id, clinicName: clinic.name, ...expected }]);
    expect(await snapshot(clinic.id)).toEqual(before);

    const report = await purgeExpired(deps, { clinicId: clinic.id });
    expect(report!.clinics).toEqual([{ clinicId: clinic.id, clinicName: clinic.name, ...expected }]);

    const left = await db.prisma.recording.findMany({ where: { clinicId: clinic.id } });
    expect(left.map((r) => r.id).sort()).toEqual(
      [recordings.keptVoicemail.id, recordings.heldRecording.id, recordings.recentRecording.id].sort(),
    );
    // Nothing older than its period remains in any table, file or at Twilio.
    const cut = cutoffsFor(NOW, {
      recordingRetentionDays: 30,
      voicemailRetentionDays: 90,
      callLogRetentionDays: 365,
      auditRetentionDays: 730,
    });
    expect(
      left.filter((r) => !r.legalHold && r.createdAt < (r.kind === 'call' ? cut.callRecordings : cut.voicemails)),
    ).toEqual([]);
    for (const gone of [recordings.yearOldRecording, recordings.expiredAtTwilio, recordings.expiredVoicemail])
      expect(await ctx.recordings.get(gone.id)).toBeNull();
    for (const kept of left) expect(await ctx.recordings.get(kept.id)).not.toBeNull();
    if (ctx.recordings instanceof FileStorage) expect(await db.prisma.recordingBlob.count()).toBe(0);
    expect(standin.recordings.has(recordings.expiredAtTwilio.recordingSid)).toBe(false);
    expect(standin.transcriptions.has(recordings.expiredVoicemail.transcriptionSid!)).toBe(false);
    const callIds = (await db.prisma.call.findMany({ where: { clinicId: clinic.id }, select: { id: true } }))
      .map((c) => c.id)
      .sort();
    expect(callIds).toEqual([calls.monthOld.id, calls.quarterOld.id, calls.held.id, calls.recent.id].sort());
    expect(await db.prisma.callEvent.count({ where: { callId: calls.yearOld.id } })).toBe(0);
    expect(await db.prisma.callBack.count({ where: { callId: calls.yearOld.id } })).toBe(0);
    expect((await db.prisma.textMessage.findMany({ where: { clinicId: clinic.id } })).map((t) => t.body)).toEqual([
      'new',
    ]);
    const audit = await db.prisma.auditEntry.findMany({ where: { clinicId: clinic.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(['clinic.created', 'recent', 'retention.purged']);
    expect(audit.find((a) => a.action === 'retention.purged')!.details).toEqual(expected);
    // The year-old call's day survives as statistics.
    expect(
      await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id, calls: { gt: 0 } } }),
    ).toBeGreaterThanOrEqual(3);

    // A second run finds nothing more.
    const again = await purgeExpired(deps, { clinicId: clinic.id });
    expect(again!.clinics[0]).toMatchObject({
      callRecordings: 0,
      voicemails: 0,
      calls: 0,
      texts: 0,
      auditEntries: 0,
      held: 1,
    });
  });

  it('an open call-back whose first call expires stays on the list with its later calls; a closed one goes with its call', async () => {
    const { clinic, deps } = await clinicWithHistory();
    const call = (age: number, from: string) =>
      db.prisma.call.create({
        data: {
          callSid: callSid(sidSeq++),
          clinicId: clinic.id,
          fromNumber: from,
          toNumber: clinic.numbers[0]!,
          direction: 'inbound',
          status: 'completed',
          startedAt: daysAgo(age),
          outcome: 'missed',
        },
      });
    const entryFor = async (from: string, doneAt: Date | null) => {
      const first = await call(400, from);
      const later = await call(10, from);
      const entry = await db.prisma.callBack.create({
        data: {
          clinicId: clinic.id,
          callId: first.id,
          reason: 'missed',
          fromNumber: from,
          createdAt: daysAgo(400),
          doneAt,
        },
      });
      await db.prisma.call.updateMany({ where: { id: { in: [first.id, later.id] } }, data: { callBackId: entry.id } });
      return { entry, later };
    };
    const open = await entryFor('+447700900771', null);
    const closed = await entryFor('+447700900772', daysAgo(399));
    await purgeExpired(deps, { clinicId: clinic.id });
    expect(await db.prisma.callBack.findUnique({ where: { id: open.entry.id } })).toMatchObject({
      callId: open.later.id,
      doneAt: null,
    });
    expect((await db.prisma.call.findUniqueOrThrow({ where: { id: open.later.id } })).callBackId).toBe(open.entry.id);
    expect(await db.prisma.callBack.findUnique({ where: { id: closed.entry.id } })).toBeNull();
  });

  it('a voicemail whose transcription Twilio will not delete yet is kept, transcript and all, and destroyed on the next run', async () => {
    const { clinic, deps, recordings } = await clinicWithHistory();
    const { transcriptionSid } = recordings.expiredVoicemail;
    standin.fail({ method: 'DELETE', path: new RegExp(`/Transcriptions/${transcriptionSid}\\.json$`), times: 1 });
    expect((await purgeExpired(deps, { clinicId: clinic.id }))!.clinics[0]).toMatchObject({
      voicemails: 0,
      retryAtTwilio: 1,
    });
    expect(await db.prisma.recording.findUnique({ where: { id: recordings.expiredVoicemail.id } })).toMatchObject({
      transcript: expect.anything(),
    });
    expect((await purgeExpired(deps, { clinicId: clinic.id }))!.clinics[0]).toMatchObject({
      voicemails: 1,
      retryAtTwilio: 0,
    });
    expect(standin.transcriptions.has(transcriptionSid!)).toBe(false);
    expect(await db.prisma.recording.count({ where: { id: recordings.expiredVoicemail.id } })).toBe(0);
  });

  it('a recording Twilio will not delete yet is kept and destroyed on the next run', async () => {
    const { clinic, deps, recordings } = await clinicWithHistory();
    standin.fail({ method: 'DELETE', path: new RegExp(recordings.expiredAtTwilio.recordingSid), times: 1 });
    expect((await purgeExpired(deps, { clinicId: clinic.id }))!.clinics[0]).toMatchObject({
      callRecordings: 1,
      retryAtTwilio: 1,
    });
    expect(await db.prisma.recording.count({ where: { id: recordings.expiredAtTwilio.id } })).toBe(1);
    expect((await purgeExpired(deps, { clinicId: clinic.id }))!.clinics[0]).toMatchObject({
      callRecordings: 1,
      retryAtTwilio: 0,
    });
    expect(standin.recordings.has(recordings.expiredAtTwilio.recordingSid)).toBe(false);
  });

  it('a call whose end never reached us keeps what its caller said about themselves no longer than a day', async () => {
    const { clinic, deps } = await clinicWithHistory();
    const said = {
      newPatientName: 'Ailsa Mbeki',
      newPatientDob: '1990-02-03',
      verifiedDob: '1990-02-03',
      bookedAppointmentId: '0190f0f0-0000-7000-8000-000000000001',
    };
    const stale = await db.prisma.call.create({
      data: {
        callSid: callSid(sidSeq++),
        clinicId: clinic.id,
        fromNumber: 'anonymous',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'in-progress',
        startedAt: daysAgo(2),
        ivrState: said,
      },
    });
    const live = await db.prisma.call.create({
      data: {
        callSid: callSid(sidSeq++),
        clinicId: clinic.id,
        fromNumber: 'anonymous',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'in-progress',
        startedAt: new Date(NOW.getTime() - 60_000),
        ivrState: said,
      },
    });
    await purgeExpired(deps, { clinicId: clinic.id });
    expect((await db.prisma.call.findUniqueOrThrow({ where: { id: stale.id } })).ivrState).toEqual({
      bookedAppointmentId: said.bookedAppointmentId,
    });
    expect((await db.prisma.call.findUniqueOrThrow({ where: { id: live.id } })).ivrState).toEqual(said); // still on the line
  });

  it('runs once at a time: while another run holds the lease, a second does nothing', async () => {
    const { clinic, deps } = await clinicWithHistory();
    await db.prisma.lease.create({
      data: { name: 'retention', holder: 'another instance', leaseUntil: new Date(NOW.getTime() + 60_000) },
    });
    try {
      expect(await purgeExpired(deps, { clinicId: clinic.id })).toBeNull();
      expect(await db.prisma.recording.count({ where: { clinicId: clinic.id } })).toBe(6);
    } finally {
      await db.prisma.lease.delete({ where: { name: 'retention' } });
    }
  });

  it('the audit log is append-only outside the purge', async () => {
    const { clinic } = await clinicWithHistory();
    const before = await db.prisma.auditEntry.findMany({ where: { clinicId: clinic.id }, orderBy: { id: 'asc' } });
    await db.prisma.auditEntry.deleteMany({ where: { clinicId: clinic.id } });
    await db.prisma.auditEntry.updateMany({ where: { clinicId: clinic.id }, data: { action: 'rewritten' } });
    expect(await db.prisma.auditEntry.findMany({ where: { clinicId: clinic.id }, orderBy: { id: 'asc' } })).toEqual(
      before,
    );
  });

  it("owners set the periods within sane bounds and see the next run and the last one's counts", async () => {
    const { clinic, deps } = await clinicWithHistory();
    await purgeExpired(deps, { clinicId: clinic.id });
    const { app } = makeTestApp(db, { clock: testClock(NOW) });
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const base = `/api/clinics/${clinic.id}`;
    expect((await owner.send('patch', base, { callLogRetentionDays: 7 })).body.error).toMatchObject({
      field: 'callLogRetentionDays',
      message: 'Call log and texts (days): must be at least 30 days',
    });
    expect(
      (await owner.send('patch', base, { recordingRetentionDays: 14, receptionistsHearRecordings: true })).body,
    ).toMatchObject({ recordingRetentionDays: 14, receptionistsHearRecordings: true });
    const panel = await owner.get(`${base}/retention`);
    expect(panel.body).toMatchObject({
      recordingRetentionDays: 14,
      voicemailRetentionDays: 90,
      callLogRetentionDays: 365,
      nextRunAt: '2027-06-08T00:00:00.000Z',
      lastRun: { counts: { callRecordings: 2, voicemails: 1, calls: 1 } },
    });
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    expect((await desk.get(`${base}/retention`)).status).toBe(403);
  });
});
