// Voicemail transcripts, end to end: the <Record> asks Twilio for one, Twilio's copy of
// the recording waits for it (or for the wait to end), the text is filed once, sealed
// with the clinic's key, shown to whoever may hear the voicemail (audited), and then the
// transcription and the recording are deleted at Twilio — with the Twilio stand-in
// playing Twilio's REST API and its callbacks signed exactly as Twilio signs them.
import { EventBus } from '../../src/core/events.js';
import { JobRunner, backoffMs } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { applyVoicemailCallback } from '../../src/reception/call-backs.js';
import { clinicDataKey } from '../../src/recordings/keys.js';
import { reconcileRecordings } from '../../src/recordings/reconcile.js';
import {
  openTranscript,
  TRANSCRIPT_WAIT_MS,
  transcriptAtFiling,
  waitsForTranscript,
} from '../../src/recordings/transcripts.js';
import { Simulator } from '../../src/simulator/simulator.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/database.js';
import { ACCOUNT, makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { expectRequestsMatchTwilio } from '../helpers/twilio-spec.js';

const WORDS = "Hello, it's Jane Doe. Could you ring me back about moving Thursday's check-up? Thanks.";

describe('Which messages wait for a transcript', () => {
  it('only a message Twilio transcribes (2 s to 2 min, with sound, when asked) waits, and for ten minutes from its filing', () => {
    expect(transcriptAtFiling(true, true, 14)).toBe('awaited');
    expect([2, 120].map((s) => transcriptAtFiling(true, true, s))).toEqual(['awaited', 'awaited']);
    expect([1, 121].map((s) => transcriptAtFiling(true, true, s))).toEqual(['out_of_range', 'out_of_range']);
    expect(transcriptAtFiling(false, true, 14)).toBeNull(); // the clinic does not transcribe
    expect(transcriptAtFiling(true, false, 0)).toBeNull(); // no sound, nothing to transcribe
    const filed = new Date('2027-06-07T08:00:00Z');
    const row = { transcriptStatus: 'awaited', createdAt: filed };
    expect(TRANSCRIPT_WAIT_MS).toBe(10 * 60_000);
    expect(waitsForTranscript(row, new Date(filed.getTime() + TRANSCRIPT_WAIT_MS - 1))).toBe(true);
    expect(waitsForTranscript(row, new Date(filed.getTime() + TRANSCRIPT_WAIT_MS))).toBe(false);
    expect(waitsForTranscript({ ...row, transcriptStatus: 'completed' }, filed)).toBe(false);
  });
});

describe.each(databaseKinds())('Voicemail transcripts (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w), {
    beforeClose: (s) => expectRequestsMatchTwilio(s.requests),
  });

  /** A clinic whose reception nobody is taking calls for, so callers who ask for it leave a message. */
  async function voicemailClinic(options: Parameters<typeof makeReception>[2] = {}) {
    const r = await makeReception(db, standin, options);
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    const path = (url: string) => url.replace(TEST_BASE_URL, '');

    /**
     * A caller asks for reception and leaves a message of `seconds`: Twilio keeps the
     * recording (and, when the <Record> asked, starts transcribing it). `recorded` sends
     * the recording's callback, `transcribed` the transcription's (to the URLs the
     * <Record> gave), `transcriptionEnds` finishes it at Twilio without telling us.
     */
    async function leavesMessage(seconds = 14, from = '+447700900123') {
      const caller = r.caller(from);
      await caller.dial();
      await caller.press('3');
      const record = caller.recorder()!;
      await caller.finishRecording(seconds);
      const call = await db.prisma.call.findUniqueOrThrow({ where: { callSid: caller.sid } });
      const audio = Buffer.from(`ID3 a message from ${from} `.repeat(40));
      const atTwilio = standin.addRecording(caller.sid, audio, seconds, {
        source: 'RecordVerb',
        dateCreated: r.clock(),
      });
      const transcription = record['@transcribeCallback'] ? standin.startTranscription(atTwilio.sid) : null;
      const callParams = inboundCall({
        CallSid: caller.sid,
        To: r.clinic.numbers[0]!,
        From: from,
        CallStatus: 'completed',
      });
      let finished: Record<string, string> | null = null;
      const transcriptionEnds = (words: string | null = WORDS) =>
        (finished ??= standin.finishTranscription(transcription!.sid, words, callParams));
      return {
        caller,
        call,
        record,
        atTwilio,
        transcription,
        callParams,
        recorded: () =>
          signedTwilioPost(r.app, path(record['@recordingStatusCallback']!), {
            AccountSid: ACCOUNT,
            CallSid: caller.sid,
            RecordingSid: atTwilio.sid,
            RecordingStatus: 'completed',
            RecordingDuration: String(seconds),
            RecordingSource: 'RecordVerb',
          }),
        transcriptionEnds,
        transcribed: (words: string | null = WORDS) =>
          signedTwilioPost(r.app, path(record['@transcribeCallback']!), transcriptionEnds(words)),
        /** The transcription's callback as Twilio would send it, whatever the stand-in holds now (a late one, a failure). */
        callbackSays: (status: 'completed' | 'failed', text?: string) =>
          signedTwilioPost(r.app, path(record['@transcribeCallback']!), {
            ...callParams,
            AccountSid: ACCOUNT,
            RecordingSid: atTwilio.sid,
            TranscriptionSid: transcription!.sid,
            TranscriptionStatus: status,
            ...(text ? { TranscriptionText: text } : {}),
          }),
        row: () => db.prisma.recording.findUniqueOrThrow({ where: { recordingSid: atTwilio.sid } }),
      };
    }
    const textOf = async (row: { id: string; clinicId: string; transcript: Uint8Array | null }) =>
      openTranscript(await clinicDataKey(db.prisma, r.ctx.config.recordingsKey, row.clinicId), row.transcript!, row.id);
    return { ...r, runner, leavesMessage, textOf };
  }

  /** Neither the recording nor its transcription is left at Twilio, and the row says both were deleted. */
  async function expectGoneAtTwilio(message: {
    atTwilio: { sid: string };
    transcription: { sid: string } | null;
    row: () => Promise<object>;
  }) {
    expect(standin.recordings.has(message.atTwilio.sid)).toBe(false);
    expect(standin.transcriptions.has(message.transcription!.sid)).toBe(false);
    expect(await message.row()).toMatchObject({
      deletedAtTwilio: expect.any(Date),
      transcriptionDeletedAtTwilio: expect.any(Date),
    });
  }

  it("Jane's 14-second message plays at once; Twilio's copy waits for the transcript, filed once and sealed, read beside the player (audited); then both copies go", async () => {
    const clinic = await voicemailClinic();
    const jane = await clinic.leavesMessage(14);
    expect(jane.record).toMatchObject({
      '@transcribe': 'true',
      '@transcribeCallback': `${TEST_BASE_URL}/twilio/transcription?call=${jane.call.id}`,
      '@recordingStatusCallback': `${TEST_BASE_URL}/twilio/recording?kind=voicemail&transcript=1`,
      '@maxLength': '120',
    });
    expect((await jane.recorded()).status).toBe(200);
    await clinic.runner.runDue();
    // The audio is home and plays; Twilio keeps its copy, transcribing it.
    expect(await jane.row()).toMatchObject({ status: 'stored', transcriptStatus: 'awaited', deletedAtTwilio: null });
    expect(standin.recordings.has(jane.atTwilio.sid)).toBe(true);
    const anna = await clinic.staff();
    const voicemailUrl = `/api/clinics/${clinic.clinic.id}/recordings/${(await jane.row()).id}`;
    expect((await anna.browser.get(`/api/clinics/${clinic.clinic.id}/call-backs`)).body.callBacks[0].voicemail).toEqual(
      expect.objectContaining({ status: 'stored', transcriptStatus: 'awaited' }),
    );
    expect((await anna.browser.get(`${voicemailUrl}/transcript`)).body).toEqual({
      recordingId: (await jane.row()).id,
      status: 'awaited',
      text: null,
      durationSeconds: 14,
    });

    // A minute later Twilio posts the transcript — and, as it may, posts it again.
    clinic.clock.advance(60_000);
    for (let i = 0; i < 3; i++) expect((await jane.transcribed()).status).toBe(200);
    const filed = await jane.row();
    expect(filed).toMatchObject({ transcriptStatus: 'completed', transcriptionSid: jane.transcription!.sid });
    expect(Buffer.from(filed.transcript!).includes(Buffer.from('Jane Doe'))).toBe(false);
    expect(await clinic.textOf(filed)).toBe(WORDS);
    expect(clinic.events.filter((e) => e.name === 'recording.transcribed').map((e) => e.data)).toEqual([
      { recordingId: filed.id, callId: jane.call.id, status: 'completed' },
    ]);

    // Now Twilio's copies go: the transcription first (deleting the recording would not take it), then the recording.
    await clinic.runner.runDue();
    await expectGoneAtTwilio(jane);
    const deleted = (path: string) => standin.requests.findIndex((q) => q.method === 'DELETE' && q.path === path);
    const transcriptionDeleted = deleted(
      `/2010-04-01/Accounts/${ACCOUNT}/Transcriptions/${jane.transcription!.sid}.json`,
    );
    expect(transcriptionDeleted).toBeGreaterThan(-1);
    expect(deleted(`/2010-04-01/Accounts/${ACCOUNT}/Recordings/${jane.atTwilio.sid}.json`)).toBeGreaterThan(
      transcriptionDeleted,
    );

    // Anna reads it beside the player, twice: one audited reading. Another clinic's receptionist finds nothing.
    for (let i = 0; i < 2; i++)
      expect((await anna.browser.get(`${voicemailUrl}/transcript`)).body).toMatchObject({
        status: 'completed',
        text: WORDS,
      });
    expect(
      await db.prisma.auditEntry.findMany({
        where: { clinicId: clinic.clinic.id, action: 'recording.transcript_read' },
        select: { actorId: true, subjectId: true },
      }),
    ).toEqual([{ actorId: anna.userId, subjectId: filed.id }]);
    const other = await voicemailClinic();
    const stranger = await other.staff();
    expect((await stranger.browser.get(`${voicemailUrl}/transcript`)).status).toBe(404);
    expect(
      (await stranger.browser.get(`/api/clinics/${other.clinic.id}/recordings/${filed.id}/transcript`)).status,
    ).toBe(404);
  });

  it("no callback within ten minutes: at the wait's end Twilio's own list gives the lost transcript; one still in progress is given up, and a late callback is still filed", async () => {
    const clinic = await voicemailClinic();
    const lost = await clinic.leavesMessage(20, '+447700900201');
    const slow = await clinic.leavesMessage(30, '+447700900202');
    await lost.recorded();
    await slow.recorded();
    await clinic.runner.runDue();
    lost.transcriptionEnds(); // Twilio finishes it, but its callback never reaches us
    clinic.clock.advance(TRANSCRIPT_WAIT_MS - 1_000);
    await clinic.runner.runDue();
    expect(standin.recordings.has(lost.atTwilio.sid)).toBe(true);
    expect(standin.recordings.has(slow.atTwilio.sid)).toBe(true);

    clinic.clock.advance(1_000);
    await clinic.runner.runDue();
    const taken = await lost.row();
    expect(taken).toMatchObject({ transcriptStatus: 'completed', transcriptionSid: lost.transcription!.sid });
    expect(await clinic.textOf(taken)).toBe(WORDS);
    const givenUp = await slow.row();
    expect(givenUp).toMatchObject({ transcriptStatus: 'timed_out', transcript: null });
    for (const m of [lost, slow]) await expectGoneAtTwilio(m); // the one in progress too
    expect(
      clinic.events.filter((e) => e.name === 'recording.transcribed').map((e) => (e.data as { status: string }).status),
    ).toEqual(expect.arrayContaining(['completed', 'timed_out']));

    // Twilio's transcript of the slow one arrives after all: the receptionist gets it, and its copy goes.
    expect((await slow.callbackSays('completed', 'Sorry, me again.')).status).toBe(200);
    await clinic.runner.runDue();
    const after = await slow.row();
    expect(after).toMatchObject({ transcriptStatus: 'completed', transcriptionDeletedAtTwilio: expect.any(Date) });
    expect(await clinic.textOf(after)).toBe('Sorry, me again.');
  });

  it("a message Twilio will not transcribe (1 s) does not wait: Twilio's copies go at once, and Twilio's failure after it still says too short", async () => {
    const clinic = await voicemailClinic();
    const brief = await clinic.leavesMessage(1);
    await brief.recorded();
    await clinic.runner.runDue();
    const row = await brief.row();
    expect(row).toMatchObject({
      status: 'stored',
      transcriptStatus: 'out_of_range',
      deletedAtTwilio: expect.any(Date),
    });
    expect(standin.recordings.has(brief.atTwilio.sid)).toBe(false);
    expect(standin.transcriptions.has(brief.transcription!.sid)).toBe(false);
    expect((await brief.callbackSays('failed')).status).toBe(200);
    expect(await brief.row()).toMatchObject({
      transcriptStatus: 'out_of_range',
      transcriptionSid: brief.transcription!.sid,
    });
    const anna = await clinic.staff();
    expect((await anna.browser.get(`/api/clinics/${clinic.clinic.id}/recordings/${row.id}/transcript`)).body).toEqual({
      recordingId: row.id,
      status: 'out_of_range',
      text: null,
      durationSeconds: 1,
    });
    expect(
      await db.prisma.auditEntry.count({ where: { subjectId: row.id, action: 'recording.transcript_read' } }),
    ).toBe(0);
  });

  it('a clinic that turns transcripts off asks Twilio for none; only its owners may, and a bad value is named', async () => {
    const clinic = await voicemailClinic();
    const owner = await clinic.staff('owner');
    const anna = await clinic.staff();
    const base = `/api/clinics/${clinic.clinic.id}`;
    expect((await owner.browser.get(`${base}/retention`)).body).toMatchObject({ transcribeVoicemails: true });
    expect((await owner.browser.send('patch', base, { transcribeVoicemails: 'no' })).body.error).toMatchObject({
      field: 'transcribeVoicemails',
      message: expect.stringContaining('must be true or false'),
    });
    expect((await anna.browser.send('patch', base, { transcribeVoicemails: false })).status).toBe(403);
    expect((await owner.browser.send('patch', base, { transcribeVoicemails: false })).body).toMatchObject({
      transcribeVoicemails: false,
    });
    const jane = await clinic.leavesMessage(14);
    expect(jane.record['@transcribe']).toBeUndefined();
    expect(jane.record['@transcribeCallback']).toBeUndefined();
    expect(jane.record['@recordingStatusCallback']).toBe(`${TEST_BASE_URL}/twilio/recording?kind=voicemail`);
    await jane.recorded();
    await clinic.runner.runDue();
    expect(await jane.row()).toMatchObject({
      status: 'stored',
      transcriptStatus: null,
      deletedAtTwilio: expect.any(Date),
    });
  });

  it("a forged signature, a callback naming another clinic's or call's recording, or one replayed after the voicemail was destroyed changes nothing", async () => {
    const a = await voicemailClinic();
    const b = await voicemailClinic();
    const janes = await a.leavesMessage(14, '+447700900301');
    const bobs = await b.leavesMessage(14, '+447700900302');
    await janes.recorded();
    await bobs.recorded();
    const before = [await janes.row(), await bobs.row()];
    const bobsWords = bobs.transcriptionEnds('Bob here.');
    const posts = [
      // Forged: signed with another token.
      signedTwilioPost(a.app, `/twilio/transcription?call=${bobs.call.id}`, bobsWords, { authToken: 'f'.repeat(32) }),
      // Bob's transcript on Jane's call's URL (and the other way about), or on no call at all.
      signedTwilioPost(a.app, `/twilio/transcription?call=${janes.call.id}`, bobsWords),
      signedTwilioPost(a.app, `/twilio/transcription?call=${bobs.call.id}`, {
        ...bobsWords,
        CallSid: janes.caller.sid,
      }),
      signedTwilioPost(a.app, '/twilio/transcription?call=not-a-call', bobsWords),
      signedTwilioPost(a.app, '/twilio/transcription', bobsWords),
      // Not Twilio's shape: no transcription sid.
      signedTwilioPost(a.app, `/twilio/transcription?call=${bobs.call.id}`, { ...bobsWords, TranscriptionSid: 'x' }),
    ];
    expect((await Promise.all(posts)).map((res) => res.status)).toEqual([403, 200, 200, 200, 200, 200]);
    expect([await janes.row(), await bobs.row()]).toEqual(before);
    expect(a.events.filter((e) => e.name === 'recording.transcribed')).toEqual([]);

    // Bob's voicemail is destroyed (purged, erased); Twilio's callback, replayed, brings nothing back.
    await db.prisma.recording.delete({ where: { id: before[1]!.id } });
    const jobs = await db.prisma.job.count();
    expect((await signedTwilioPost(a.app, `/twilio/transcription?call=${bobs.call.id}`, bobsWords)).status).toBe(200);
    expect(await db.prisma.recording.count({ where: { recordingSid: bobs.atTwilio.sid } })).toBe(0);
    expect(await db.prisma.job.count()).toBe(jobs);
  });

  it('reconciliation leaves a voicemail waiting for its transcript at Twilio, and after the wait takes the transcript and deletes both', async () => {
    const clinic = await voicemailClinic();
    const jane = await clinic.leavesMessage(14);
    await jane.recorded();
    await clinic.runner.runDue();
    const reconcile = () => reconcileRecordings(clinic.ctx, (lost) => applyVoicemailCallback(clinic.ctx, lost));
    expect((await reconcile()).waiting).toBe(1);
    expect(standin.recordings.has(jane.atTwilio.sid)).toBe(true);
    jane.transcriptionEnds(); // its callback is lost
    clinic.clock.advance(TRANSCRIPT_WAIT_MS);
    expect(await reconcile()).toMatchObject({ waiting: 0, deleted: 1 });
    const row = await jane.row();
    expect(row).toMatchObject({ transcriptStatus: 'completed', deletedAtTwilio: expect.any(Date) });
    expect(await clinic.textOf(row)).toBe(WORDS);
    await expectGoneAtTwilio(jane);

    // A transcription left at Twilio after its recording (a late callback whose job gave up) goes at the next run.
    const late = await clinic.leavesMessage(14, '+447700900203');
    await late.recorded();
    clinic.clock.advance(TRANSCRIPT_WAIT_MS);
    await clinic.runner.runDue();
    expect(await late.row()).toMatchObject({ transcriptStatus: 'timed_out', deletedAtTwilio: expect.any(Date) });
    const gone = standin.addRecording(late.caller.sid, undefined, 14, { source: 'RecordVerb' });
    const stray = standin.startTranscription(gone.sid);
    standin.recordings.delete(gone.sid);
    // As a late callback leaves the row when the job that should delete its transcription gives up.
    await db.prisma.recording.update({
      where: { id: (await late.row()).id },
      data: { transcriptionSid: stray.sid, transcriptionDeletedAtTwilio: null },
    });
    expect((await reconcile()).deleted).toBeGreaterThanOrEqual(1);
    expect(standin.transcriptions.has(stray.sid)).toBe(false);
    expect(await late.row()).toMatchObject({ transcriptionDeletedAtTwilio: expect.any(Date) });
  });

  it('Twilio refusing to delete the transcription twice: the job tries again, and the recording stays until the transcription is gone', async () => {
    const clinic = await voicemailClinic();
    const jane = await clinic.leavesMessage(14);
    await jane.recorded();
    await clinic.runner.runDue();
    await jane.transcribed();
    standin.fail({
      method: 'DELETE',
      path: new RegExp(`/Transcriptions/${jane.transcription!.sid}\\.json$`),
      times: 2,
    });
    await clinic.runner.runDue();
    expect(standin.recordings.has(jane.atTwilio.sid)).toBe(true);
    expect(standin.transcriptions.has(jane.transcription!.sid)).toBe(true);
    for (let attempt = 1; attempt <= 2; attempt++) {
      clinic.clock.advance(backoffMs(attempt));
      await clinic.runner.runDue();
    }
    await expectGoneAtTwilio(jane);
  });

  it('the phone simulator plays Twilio: the message typed on its page is the transcript the receptionist reads', async () => {
    const events = new EventBus();
    const simulator = new Simulator({ accountSid: ACCOUNT, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
      events,
      recordings: standin,
    });
    const clinic = await voicemailClinic({ simulator, events });
    const anna = await clinic.staff();
    const calls = `/api/clinics/${clinic.clinic.id}/simulator/calls`;
    const placed = await anna.browser.send('post', calls, { from: '+447700900401' });
    const asked = await anna.browser.send('post', `${calls}/${placed.body.sid}/press`, { digits: '3' });
    expect(asked.body.takes).toBe('a message');
    const message = (body: object) => anna.browser.send('post', `${calls}/${placed.body.sid}/message`, body);
    expect((await message({})).body.error).toMatchObject({ field: 'seconds' });
    expect((await message({ words: '  ' })).body.error).toMatchObject({ field: 'words' });
    expect((await message({ words: 'x'.repeat(1001) })).body.error).toMatchObject({ field: 'words' });
    const left = await message({ words: WORDS });
    expect(left.body.state).toBe('ended');
    expect(left.body.transcript).toContainEqual(
      expect.objectContaining({ who: 'caller', text: `left a 7-second message: "${WORDS}"` }),
    );
    await clinic.runner.runDue();
    const entry = (await anna.browser.get(`/api/clinics/${clinic.clinic.id}/call-backs`)).body.callBacks[0];
    expect(entry.voicemail).toMatchObject({ status: 'stored', durationSeconds: 7, transcriptStatus: 'completed' });
    expect(
      (await anna.browser.get(`/api/clinics/${clinic.clinic.id}/recordings/${entry.voicemail.id}/transcript`)).body,
    ).toMatchObject({ status: 'completed', text: WORDS });
    const row = await db.prisma.recording.findUniqueOrThrow({ where: { id: entry.voicemail.id } });
    expect(standin.recordings.has(row.recordingSid)).toBe(false);
    expect(standin.transcriptions.has(row.transcriptionSid!)).toBe(false);
  });
});
