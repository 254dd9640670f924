import { strFromU8, unzipSync } from 'fflate';
import { jobHandlers } from '../../src/main/jobs.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { sealTranscript } from '../../src/recordings/transcripts.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock, TEST_AUTH_TOKEN } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeDiary } from '../helpers/diary.js';
import { asBytes, browserAgent, makeStaff } from '../helpers/fixtures.js';
import { rowsMentioning } from '../helpers/privacy.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid, signedTwilioPost } from '../helpers/twilio.js';
import { clinicLine } from '../helpers/phone-line.js';
import { staffIdentity } from '../../src/reception/answering.js';
import type { Caller } from '../helpers/caller.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2027-06-07T08:00:00Z');
let seq = 0x9a7000;

describe.each(databaseKinds())("A patient's rights: export and erasure (%s database)", (kind) => {
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

  /** Zelda, with appointments, a waiting-list entry, two calls (a voicemail; a call recording still at Twilio), texts — and Jane, who must be untouched. */
  async function clinicWithZelda() {
    const n = seq++;
    const phone = `+4477009${(n % 100000).toString().padStart(5, '0')}`;
    // Unique to this test's Zelda, so a search for her finds no one else's.
    const name = `Zelda Quartermaine ${n}`;
    const dateOfBirth = `1971-03-${String((n % 27) + 1).padStart(2, '0')}`;
    const diary = await makeDiary(db.prisma);
    const { clinic, patel, checkUp, patient: jane } = diary;
    const { app, ctx } = makeTestApp(db, {
      clock: testClock(NOW),
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: standin.url },
    });
    const zelda = await db.prisma.patient.create({
      data: { clinicId: clinic.id, name, phone, dateOfBirth: new Date(dateOfBirth) },
    });
    const appointment = (patientId: string, at: string) =>
      db.prisma.appointment.create({
        data: {
          clinicId: clinic.id,
          practitionerId: patel.id,
          patientId,
          typeId: checkUp.id,
          startsAt: new Date(at),
          endsAt: new Date(new Date(at).getTime() + 1_800_000),
          blockedUntil: new Date(new Date(at).getTime() + 1_800_000),
          source: 'phone',
        },
      });
    const appointments = [
      await appointment(zelda.id, '2027-06-08T09:00:00Z'),
      await appointment(zelda.id, '2027-06-15T09:00:00Z'),
    ];
    const janes = await appointment(jane.id, '2027-06-09T09:00:00Z');
    const entry = await db.prisma.waitlistEntry.create({
      data: {
        clinicId: clinic.id,
        patientId: zelda.id,
        typeId: checkUp.id,
        fromDate: new Date('2027-06-08'),
        toDate: new Date('2027-06-30'),
      },
    });
    await db.prisma.waitlistOffer.create({
      data: {
        clinicId: clinic.id,
        waitlistEntryId: entry.id,
        practitionerId: patel.id,
        typeId: checkUp.id,
        startsAt: new Date('2027-06-10T09:00:00Z'),
        toNumber: phone,
      },
    });
    const call = (from: string, ivrState?: object) =>
      db.prisma.call.create({
        data: {
          callSid: callSid(seq++),
          clinicId: clinic.id,
          fromNumber: from,
          toNumber: clinic.numbers[0]!,
          direction: 'inbound',
          status: 'completed',
          startedAt: NOW,
          outcome: 'voicemail',
          ivrState,
        },
      });
    const calls = [await call(phone, { newCaller: { name, dateOfBirth } }), await call(phone)];
    const janesCall = await call(jane.phone!);
    const key = await clinicDataKey(db.prisma, ctx.config.recordingsKey, clinic.id);
    const audio = Buffer.from('ID3 Zelda asks to move her appointment '.repeat(20));
    // Her message, as Twilio transcribed it: the recording is gone from Twilio, its transcription not yet.
    const said = `Hello, it's ${name}, please ring me on ${phone} to move my appointment.`;
    const spoken = standin.addRecording(calls[0]!.callSid, audio, 9, { source: 'RecordVerb' });
    const transcription = standin.startTranscription(spoken.sid);
    standin.finishTranscription(transcription.sid, said, {});
    standin.recordings.delete(spoken.sid);
    const voicemail = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: calls[0]!.id,
        kind: 'voicemail',
        recordingSid: spoken.sid,
        status: 'stored',
        durationSeconds: 9,
        deletedAtTwilio: NOW,
        transcriptStatus: 'completed',
        transcriptionSid: transcription.sid,
      },
    });
    await db.prisma.recording.update({
      where: { id: voicemail.id },
      data: { transcript: new Uint8Array(sealTranscript(key, said, voicemail.id)) },
    });
    await ctx.recordings.put(voicemail.id, seal(key, audio, voicemail.id));
    const atTwilio = standin.addRecording(calls[1]!.callSid, audio);
    const whole = await db.prisma.recording.create({
      data: {
        clinicId: clinic.id,
        callId: calls[1]!.id,
        kind: 'call',
        recordingSid: atTwilio.sid,
        status: 'completed',
      },
    });
    await db.prisma.callBack.create({
      data: { clinicId: clinic.id, callId: calls[0]!.id, reason: 'voicemail', fromNumber: phone },
    });
    const text = await db.prisma.textMessage.create({
      data: {
        clinicId: clinic.id,
        kind: 'booked',
        toNumber: phone,
        body: 'Riverside Dental: your check-up with Dr Patel is booked.',
        status: 'sent',
      },
    });
    const owner = browserAgent(app);
    const ownerLogin = await makeStaff(db.prisma, clinic.id, 'owner');
    await owner.signIn(ownerLogin);
    const runner = new JobRunner(db, jobHandlers(ctx), { logger: ctx.logger, clock: ctx.clock });
    return {
      ...diary,
      ctx,
      zelda,
      dateOfBirth,
      appointments,
      janes,
      entry,
      calls,
      janesCall,
      voicemail,
      said,
      transcription,
      whole,
      atTwilio,
      text,
      audio,
      owner,
      ownerLogin,
      runner,
      url: `/api/clinics/${clinic.id}/patients/${zelda.id}`,
    };
  }

  it('the export holds every item about the patient, who has seen it, and — in the zip — the audio', async () => {
    const z = await clinicWithZelda();
    await db.prisma.auditEntry.create({
      data: {
        clinicId: z.clinic.id,
        actorType: 'user',
        actorId: z.ownerLogin.userId,
        action: 'recording.listened',
        subjectType: 'recording',
        subjectId: z.voicemail.id,
      },
    });
    const res = await z.owner.get(`${z.url}/export`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="patient-${z.zelda.id}.json"`);
    const data = JSON.parse(res.text);
    expect(data.patient).toMatchObject({
      id: z.zelda.id,
      name: z.zelda.name,
      dateOfBirth: `${z.dateOfBirth}T00:00:00.000Z`,
    });
    expect(data.appointments.map((a: { id: string }) => a.id).sort()).toEqual(z.appointments.map((a) => a.id).sort());
    expect(data.waitlist.map((w: { id: string; offers: unknown[] }) => [w.id, w.offers.length])).toEqual([
      [z.entry.id, 1],
    ]);
    expect(data.calls.map((c: { id: string }) => c.id).sort()).toEqual(z.calls.map((c) => c.id).sort());
    expect(data.recordings.map((r: { id: string }) => r.id).sort()).toEqual([z.voicemail.id, z.whole.id].sort());
    // Her message's transcript, as text; the whole call was never transcribed. Twilio's ids stay out.
    expect(
      Object.fromEntries(data.recordings.map((r: { id: string; transcript: unknown }) => [r.id, r.transcript])),
    ).toEqual({ [z.voicemail.id]: { status: 'completed', text: z.said }, [z.whole.id]: null });
    expect(res.text).not.toContain(z.transcription.sid);
    expect(data.textMessages.map((t: { id: string }) => t.id)).toEqual([z.text.id]);
    expect(data.accessLog).toEqual([
      expect.objectContaining({
        action: 'recording.listened',
        actorId: z.ownerLogin.userId,
        subjectId: z.voicemail.id,
      }),
    ]);
    expect(res.text).not.toContain(z.janes.id);
    expect(res.text).not.toContain(z.janesCall.id);

    const zip = await asBytes(z.owner.agent.get(`${z.url}/export.zip`));
    const files = unzipSync(new Uint8Array(zip.body as Buffer));
    expect(JSON.parse(strFromU8(files['patient.json']!)).patient.id).toBe(z.zelda.id);
    const audio = Object.entries(files).filter(([name]) => name.startsWith('recordings/'));
    expect(audio.map(([name]) => name)).toEqual([
      expect.stringMatching(new RegExp(`^recordings/voicemail-\\d{4}-\\d\\d-\\d\\d-${z.voicemail.id}\\.mp3$`)),
    ]);
    expect(Buffer.from(audio[0]![1])).toEqual(z.audio);
    expect(
      await db.prisma.auditEntry.count({
        where: { clinicId: z.clinic.id, action: 'patient.exported', subjectId: z.zelda.id },
      }),
    ).toBe(2);
  });

  it('erasure after confirmation leaves nothing that names her in any table, file or at Twilio; Jane is untouched', async () => {
    const z = await clinicWithZelda();
    const preview = await z.owner.get(`${z.url}/erasure`);
    expect(preview.body).toEqual({
      patientId: z.zelda.id,
      name: z.zelda.name,
      appointments: 2,
      waitlistEntries: 1,
      calls: 2,
      recordings: 2,
      textMessages: 1,
      heldRecordings: 0,
      phoneSharedWithOtherPatients: false,
    });
    // The scan finds her before (so its silence afterwards means something), her message's transcript included.
    const key = { recordingsKey: z.ctx.config.recordingsKey };
    expect(await rowsMentioning(db, [z.zelda.name, z.zelda.phone!], key)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Patient\.name/),
        expect.stringMatching(/^Call\.fromNumber/),
        expect.stringMatching(/^Call\.ivrState/),
        expect.stringMatching(/^TextMessage\.toNumber/),
        `Recording.transcript (opened) contains ${z.zelda.name} (1)`,
        `Recording.transcript (opened) contains ${z.zelda.phone} (1)`,
      ]),
    );
    expect(standin.transcriptions.has(z.transcription.sid)).toBe(true);
    const wrong = await z.owner.send('delete', z.url, { confirmName: 'Zelda' });
    expect(wrong.body.error).toMatchObject({ field: 'confirmName' });
    expect(await db.prisma.patient.count({ where: { id: z.zelda.id } })).toBe(1);

    const erased = await z.owner.send('delete', z.url, { confirmName: z.zelda.name });
    expect(erased.status).toBe(200);
    await z.runner.runDue();
    // Her id stays only in the audit log, where it names no one now.
    expect(await rowsMentioning(db, [z.zelda.name, z.zelda.phone!, z.dateOfBirth], key)).toEqual([]);
    expect(await z.ctx.recordings.get(z.voicemail.id)).toBeNull();
    expect(standin.recordings.has(z.atTwilio.sid)).toBe(false);
    expect(standin.transcriptions.has(z.transcription.sid)).toBe(false);
    expect(
      await db.prisma.call.findMany({
        where: { id: { in: z.calls.map((c) => c.id) } },
        select: { fromNumber: true, ivrState: true },
      }),
    ).toEqual([
      { fromNumber: 'erased', ivrState: null },
      { fromNumber: 'erased', ivrState: null },
    ]);
    expect(await db.prisma.appointment.count({ where: { id: z.janes.id } })).toBe(1);
    expect(await db.prisma.call.findUniqueOrThrow({ where: { id: z.janesCall.id } })).toMatchObject({
      fromNumber: z.patient.phone,
    });
    const audit = await db.prisma.auditEntry.findFirstOrThrow({
      where: { clinicId: z.clinic.id, action: 'patient.erased' },
    });
    expect(audit).toMatchObject({ subjectId: z.zelda.id, details: { appointments: 2, calls: 2, recordings: 2 } });
  });

  it('a patient with two numbers, notes, a guardian and a child she books for: erasure leaves nothing of hers', async () => {
    const z = await clinicWithZelda();
    const base = `/api/clinics/${z.clinic.id}/patients`;
    const second = `+442079460${String(seq % 1000).padStart(3, '0')}`; // 020 7946 0xxx: Ofcom's drama range
    const notes = `Prefers mornings; hard of hearing (${z.zelda.name.split(' ').at(-1)})`;
    const mum = await z.owner.send('post', base, { name: 'Marjorie Quill', phones: ['+447700900555'] });
    expect(mum.status).toBe(201);
    const edited = await z.owner.send('patch', z.url, {
      phones: [z.zelda.phone, second],
      notes,
      guardianId: mum.body.id,
      guardianRelation: 'mother',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ phones: [z.zelda.phone, second], notes, guardian: { name: mum.body.name } });
    const child = await z.owner.send('post', base, {
      name: 'Zed Junior',
      guardianId: z.zelda.id,
      guardianRelation: 'daughter of the patient',
    });
    expect(child.status).toBe(201);
    // A call from her second number and a text to it are hers too.
    const fromSecond = await db.prisma.call.create({
      data: {
        callSid: callSid(seq++),
        clinicId: z.clinic.id,
        fromNumber: second,
        toNumber: z.clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: NOW,
        outcome: 'reception',
        note: `Asked for ${z.zelda.name.split(' ')[0]}'s X-ray`,
      },
    });
    await db.prisma.textMessage.create({
      data: { clinicId: z.clinic.id, kind: 'booked', toNumber: second, body: 'Booked.', status: 'sent' },
    });
    const record = await z.owner.get(z.url);
    expect(record.body.calls.map((c: { id: string }) => c.id)).toContain(fromSecond.id);
    expect(record.body.booksFor).toEqual([
      { id: child.body.id, name: 'Zed Junior', guardianRelation: 'daughter of the patient' },
    ]);
    const needles = [z.zelda.name, z.zelda.phone!, second, notes, 'daughter of the patient', "'s X-ray"];
    expect(await rowsMentioning(db, needles)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Patient\.otherPhones contains/),
        expect.stringMatching(/^Patient\.notes contains/),
        expect.stringMatching(/^Patient\.guardianRelation contains daughter/),
        expect.stringMatching(/^Call\.note contains/),
      ]),
    );
    expect((await z.owner.get(`${z.url}/erasure`)).body).toMatchObject({ calls: 3, textMessages: 2 });

    expect((await z.owner.send('delete', z.url, { confirmName: z.zelda.name })).status).toBe(200);
    await z.runner.runDue();
    expect(await rowsMentioning(db, [...needles, z.dateOfBirth])).toEqual([]);
    // Her mother and her child keep their records; the child no longer points at her.
    expect(await db.prisma.patient.findUniqueOrThrow({ where: { id: child.body.id } })).toMatchObject({
      guardianId: null,
      guardianRelation: null,
    });
    expect(await db.prisma.patient.count({ where: { id: mum.body.id } })).toBe(1);
  });

  it('a recording on legal hold stops the erasure until the hold is lifted', async () => {
    const z = await clinicWithZelda();
    await db.prisma.recording.update({
      where: { id: z.voicemail.id },
      data: { legalHold: true, holdReason: 'Complaint' },
    });
    const refused = await z.owner.send('delete', z.url, { confirmName: z.zelda.name });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('legal_hold');
    expect(await db.prisma.patient.count({ where: { id: z.zelda.id } })).toBe(1);
    expect(await z.ctx.recordings.get(z.voicemail.id)).not.toBeNull();
  });

  it("a family phone: erasing one member keeps the household's calls", async () => {
    const z = await clinicWithZelda();
    await db.prisma.patient.create({ data: { clinicId: z.clinic.id, name: 'Arthur Q', phone: z.zelda.phone } });
    // A try at ringing the household back, with the desk's note about her.
    const entry = await db.prisma.callBack.findFirstOrThrow({ where: { clinicId: z.clinic.id } });
    const tried = await db.prisma.callBackAttempt.create({
      data: {
        callBackId: entry.id,
        clinicId: z.clinic.id,
        startedAt: NOW,
        result: 'no_answer',
        note: `Wanted ${z.zelda.name}'s results`,
      },
    });
    expect((await z.owner.get(`${z.url}/erasure`)).body).toMatchObject({
      calls: 0,
      recordings: 0,
      phoneSharedWithOtherPatients: true,
    });
    expect((await z.owner.send('delete', z.url, { confirmName: z.zelda.name })).status).toBe(200);
    expect(
      await db.prisma.call.count({ where: { id: { in: z.calls.map((c) => c.id) }, fromNumber: z.zelda.phone! } }),
    ).toBe(2);
    expect(await db.prisma.patient.count({ where: { id: z.zelda.id } })).toBe(0);
    // The household's call-back and its try stay; the desk's note on it, which may be about her, goes.
    expect(await db.prisma.callBackAttempt.findUniqueOrThrow({ where: { id: tried.id } })).toMatchObject({
      result: 'no_answer',
      note: null,
    });
  });
});

describe.each(databaseKinds())(
  'Erasure reaches what the phone line and the desk wrote about a patient (%s database)',
  (kind) => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(() => db.drop());

    let n = 0;
    /** A name and date of birth nobody else in the database has, so the scan finds only this person. */
    const someone = () => {
      n++;
      return { name: `Siobhan Oyelaran ${kind} ${n}`, dateOfBirth: `1963-0${n}-1${n}`, keyed: `1${n}0${n}1963` };
    };

    async function ownerOf(line: Awaited<ReturnType<typeof clinicLine>>) {
      const owner = browserAgent(line.app);
      await owner.signIn(await makeStaff(db.prisma, line.clinic.id, 'owner'));
      return owner;
    }
    const erase = async (
      owner: ReturnType<typeof browserAgent>,
      clinicId: string,
      patient: { id: string; name: string },
    ) => {
      const res = await owner.send('delete', `/api/clinics/${clinicId}/patients/${patient.id}`, {
        confirmName: patient.name,
      });
      expect(res.status).toBe(200);
      return res.body.erased;
    };

    /** Books by phone as someone new: their name, then their date of birth. */
    async function registersByPhone(caller: Caller, who: { name: string; keyed: string }, first: string[]) {
      await caller.dial();
      for (const keys of first) await caller.press(keys);
      await caller.say(who.name);
      await caller.press('1');
      await caller.press(who.keyed);
      await caller.press('1');
      await caller.press('1');
      expect(caller.heard()).toContain("You're booked");
    }

    it('a new caller from a withheld number, whose call has not ended: their name and date of birth go with them', async () => {
      const line = await clinicLine(db);
      const who = someone();
      const caller = line.caller('anonymous');
      await registersByPhone(caller, who, ['1', '1']);
      const patient = await db.prisma.patient.findFirstOrThrow({ where: { clinicId: line.clinic.id, name: who.name } });
      expect(patient.phone).toBeNull();
      // Once booked, the call's state lets go of what the caller said: the patient holds it.
      expect(await rowsMentioning(db, [who.name, who.dateOfBirth])).toEqual([
        expect.stringMatching(/^Patient\.dateOfBirth/),
        expect.stringMatching(/^Patient\.name/),
      ]);
      await erase(await ownerOf(line), line.clinic.id, patient);
      expect(await rowsMentioning(db, [who.name, who.dateOfBirth])).toEqual([]);
    });

    it("a child registered from a parent's phone: the household's call stays, the child's name and date of birth do not", async () => {
      const line = await clinicLine(db);
      const child = someone();
      const parent = line.caller(line.patient.phone!);
      // Book, the first time, someone new (the parent's number already has Jane on it).
      await registersByPhone(parent, child, ['1', '1', '2']);
      const registered = await db.prisma.patient.findFirstOrThrow({
        where: { clinicId: line.clinic.id, name: child.name },
      });
      expect(registered.phone).toBe(line.patient.phone);
      const owner = await ownerOf(line);
      expect((await owner.get(`/api/clinics/${line.clinic.id}/patients/${registered.id}/erasure`)).body).toMatchObject({
        calls: 0,
        phoneSharedWithOtherPatients: true,
      });
      await erase(owner, line.clinic.id, registered);
      expect(await rowsMentioning(db, [child.name, child.dateOfBirth])).toEqual([]);
      // The parent's call is still theirs, and says what it did.
      expect(await db.prisma.call.findUniqueOrThrow({ where: { callSid: parent.sid } })).toMatchObject({
        fromNumber: line.patient.phone,
        outcome: 'booked',
      });
      expect(await db.prisma.patient.count({ where: { id: line.patient.id } })).toBe(1);
    });

    it("someone who never rang in: the texts and the clinic's call back to their number go, and the preview counted them", async () => {
      const line = await clinicLine(db);
      const who = someone();
      const phone = `+4477009${String(70000 + n).slice(-5)}`;
      await db.prisma.clinic.update({ where: { id: line.clinic.id }, data: { textMessages: true } });
      const owner = await ownerOf(line);
      const base = `/api/clinics/${line.clinic.id}`;
      const created = await owner.send('post', `${base}/patients`, {
        name: who.name,
        phone,
        dateOfBirth: who.dateOfBirth,
      });
      expect(created.status).toBe(201);
      expect(
        (
          await owner.send('post', `${base}/appointments`, {
            patientId: created.body.id,
            practitionerId: line.patel.id,
            typeId: line.checkUp.id,
            startsAt: '2027-06-08T09:00:00Z',
          })
        ).status,
      ).toBe(201);
      // Reception rings them back from the dashboard (the TwiML App's voice URL).
      const userId = (
        await db.prisma.membership.findFirstOrThrow({ where: { clinicId: line.clinic.id, role: 'owner' } })
      ).userId;
      const callBack = await signedTwilioPost(line.app, '/twilio/client', {
        CallSid: callSid(seq++),
        AccountSid: ACCOUNT,
        From: `client:${staffIdentity(userId)}`,
        To: phone,
        clinicId: line.clinic.id,
      });
      expect(callBack.text).toContain(`<Number>${phone}</Number>`);
      expect(await db.prisma.textMessage.count({ where: { toNumber: phone } })).toBe(1);
      expect((await owner.get(`${base}/patients/${created.body.id}/erasure`)).body).toMatchObject({
        calls: 1,
        textMessages: 1,
        phoneSharedWithOtherPatients: false,
      });

      expect(await erase(owner, line.clinic.id, { id: created.body.id, name: who.name })).toMatchObject({
        calls: 1,
        textMessages: 1,
      });
      expect(await rowsMentioning(db, [who.name, phone, who.dateOfBirth])).toEqual([]);
      expect(
        await db.prisma.call.count({ where: { clinicId: line.clinic.id, direction: 'outbound', toNumber: 'erased' } }),
      ).toBe(1);
    });

    it('what a caller said about themselves leaves the call when it ends; what the call did stays', async () => {
      const line = await clinicLine(db);
      const who = someone();
      const caller = line.caller('+447700900777');
      await registersByPhone(caller, who, ['1', '1']);
      await signedTwilioPost(line.app, '/twilio/status', {
        AccountSid: ACCOUNT,
        CallSid: caller.sid,
        CallStatus: 'completed',
        CallDuration: '95',
        From: '+447700900777',
        To: line.clinic.numbers[0]!,
      });
      const call = await db.prisma.call.findUniqueOrThrow({ where: { callSid: caller.sid } });
      expect(call.ivrState).toEqual({ bookedAppointmentId: expect.any(String) });
      expect(await rowsMentioning(db, [who.dateOfBirth])).toEqual([
        'Patient.dateOfBirth contains ' + who.dateOfBirth + ' (1)',
      ]);
    });
  },
);
