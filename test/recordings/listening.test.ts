import { seal } from '../../src/recordings/crypto.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { makeTestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { asBytes, browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid } from '../helpers/twilio.js';

let sidSeq = 0x115e000;

describe.each(databaseKinds())('Listening to recordings (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  /** A clinic with a stored voicemail and a stored whole-call recording, an owner and a receptionist signed in. */
  async function clinicWithRecordings() {
    const clinic = await makeClinic(db.prisma);
    const { app, ctx } = makeTestApp(db);
    const key = await clinicDataKey(db.prisma, ctx.config.recordingsKey, clinic.id);
    const call = await db.prisma.call.create({
      data: {
        callSid: callSid(sidSeq++),
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: new Date(),
      },
    });
    const audio = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const stored = async (kind: 'call' | 'voicemail', status = 'stored') => {
      const r = await db.prisma.recording.create({
        data: {
          clinicId: clinic.id,
          callId: call.id,
          kind,
          recordingSid: 'RE' + (sidSeq++).toString(16).padStart(32, '0'),
          status,
          durationSeconds: 5,
        },
      });
      if (status === 'stored') await ctx.recordings.put(r.id, seal(key, audio, r.id));
      return r;
    };
    const owner = browserAgent(app);
    const ownerLogin = await makeStaff(db.prisma, clinic.id, 'owner');
    await owner.signIn(ownerLogin);
    const desk = browserAgent(app);
    const deskLogin = await makeStaff(db.prisma, clinic.id, 'receptionist');
    await desk.signIn(deskLogin);
    const audioUrl = (id: string) => `/api/clinics/${clinic.id}/recordings/${id}/audio`;
    return {
      clinic,
      app,
      audio,
      voicemail: await stored('voicemail'),
      whole: await stored('call'),
      pending: await stored('voicemail', 'completed'),
      owner,
      ownerLogin,
      desk,
      deskLogin,
      audioUrl,
    };
  }
  /** GET as a media player would, the body as bytes. */
  const play = (client: { agent: ReturnType<typeof browserAgent>['agent'] }, url: string, range?: string) => {
    const req = asBytes(client.agent.get(url));
    return range ? req.set('Range', range) : req;
  };
  const audits = (clinicId: string, action: string) => db.prisma.auditEntry.findMany({ where: { clinicId, action } });

  it('a receptionist plays a voicemail and seeks in it; the listen is audited once', async () => {
    const { clinic, audio, voicemail, desk, deskLogin, audioUrl } = await clinicWithRecordings();
    const whole = await play(desk, audioUrl(voicemail.id));
    expect(whole.status).toBe(200);
    expect(whole.headers).toMatchObject({
      'content-type': 'audio/mpeg',
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-store',
    });
    expect(whole.body).toEqual(audio);
    const seek = await play(desk, audioUrl(voicemail.id), 'bytes=1000-1999');
    expect(seek.status).toBe(206);
    expect(seek.headers['content-range']).toBe(`bytes 1000-1999/${audio.length}`);
    expect(seek.body).toEqual(audio.subarray(1000, 2000));
    expect((await play(desk, audioUrl(voicemail.id), 'bytes=9000-9999')).status).toBe(416);
    expect(await audits(clinic.id, 'recording.listened')).toEqual([
      expect.objectContaining({ actorId: deskLogin.userId, subjectType: 'recording', subjectId: voicemail.id }),
    ]);
    await desk.get(`${audioUrl(voicemail.id)}?download=1`);
    expect(await audits(clinic.id, 'recording.downloaded')).toHaveLength(1);
  });

  it("whoever hears any part of a recording is audited, however they ask for it; a player's seeks are not new listens", async () => {
    const { clinic, audio, voicemail, whole, owner, ownerLogin, desk, deskLogin, audioUrl } =
      await clinicWithRecordings();
    // Everything but the first byte, never asking for byte 0: still a listen.
    const rest = await play(desk, audioUrl(voicemail.id), 'bytes=1-');
    expect([rest.status, rest.body.length]).toEqual([206, audio.length - 1]);
    expect(await audits(clinic.id, 'recording.listened')).toEqual([
      expect.objectContaining({ actorId: deskLogin.userId, subjectId: voicemail.id }),
    ]);
    // The end of a recording, then a download by ranges: each person and recording audited.
    await play(owner, audioUrl(whole.id), 'bytes=-500');
    await play(owner, `${audioUrl(whole.id)}?download=1`, 'bytes=4000-');
    expect((await audits(clinic.id, 'recording.listened')).map((a) => [a.actorId, a.subjectId])).toEqual([
      [deskLogin.userId, voicemail.id],
      [ownerLogin.userId, whole.id],
    ]);
    expect((await audits(clinic.id, 'recording.downloaded')).map((a) => [a.actorId, a.subjectId])).toEqual([
      [ownerLogin.userId, whole.id],
    ]);
    // The receptionist's player seeking about in the same listen adds nothing.
    for (const range of ['bytes=0-999', 'bytes=5000-', 'bytes=2000-2999'])
      await play(desk, audioUrl(voicemail.id), range);
    expect(await audits(clinic.id, 'recording.listened')).toHaveLength(2);
  });

  it('whole-call recordings are for owners until the clinic lets receptionists hear them', async () => {
    const { audio, whole, owner, desk, audioUrl, clinic } = await clinicWithRecordings();
    expect((await desk.get(audioUrl(whole.id))).status).toBe(403);
    expect((await play(owner, audioUrl(whole.id))).body).toEqual(audio);
    await owner.send('patch', `/api/clinics/${clinic.id}`, { receptionistsHearRecordings: true });
    expect((await desk.get(audioUrl(whole.id))).status).toBe(200);
  });

  it("another clinic's recording is 404; one still being fetched says so", async () => {
    const mine = await clinicWithRecordings();
    const theirs = await clinicWithRecordings();
    expect(
      (await mine.owner.get(`/api/clinics/${mine.clinic.id}/recordings/${theirs.voicemail.id}/audio`)).status,
    ).toBe(404);
    expect(
      (await mine.owner.get(`/api/clinics/${theirs.clinic.id}/recordings/${theirs.voicemail.id}/audio`)).status,
    ).toBe(404);
    const pending = await mine.owner.get(mine.audioUrl(mine.pending.id));
    expect(pending.status).toBe(409);
    expect(pending.body.error.message).toMatch(/still being fetched/);
  });

  it('owners set and lift a legal hold with a reason; both are audited; receptionists cannot', async () => {
    const { clinic, whole, owner, desk } = await clinicWithRecordings();
    const hold = `/api/clinics/${clinic.id}/recordings/${whole.id}/hold`;
    expect((await desk.send('post', hold, { reason: 'Complaint 2027-14' })).status).toBe(403);
    expect((await owner.send('post', hold, { reason: '' })).body.error).toMatchObject({ field: 'reason' });
    expect((await owner.send('post', hold, { reason: 'Complaint 2027-14' })).body).toMatchObject({
      legalHold: true,
      holdReason: 'Complaint 2027-14',
    });
    expect((await owner.send('delete', hold)).body).toMatchObject({ legalHold: false, holdReason: null });
    const entries = await db.prisma.auditEntry.findMany({
      where: { clinicId: clinic.id, subjectId: whole.id },
      orderBy: { id: 'asc' },
    });
    expect(entries.map((e) => e.action)).toEqual(['recording.hold_set', 'recording.hold_lifted']);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toContain('Complaint');
  });
});
