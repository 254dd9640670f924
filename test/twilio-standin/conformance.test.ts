import { createTwilioRest } from '../../src/twilio/rest.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { expectRequestsMatchTwilio } from '../helpers/twilio-spec.js';

const ACCOUNT = 'AC' + '1'.repeat(32);
const TOKEN = '2'.repeat(32);

describe("The Twilio stand-in speaks Twilio's REST API as Twilio describes it", () => {
  let standin: TwilioStandin;
  beforeAll(async () => {
    standin = new TwilioStandin(ACCOUNT, { authToken: TOKEN });
    await standin.start();
  });
  afterAll(() => standin.stop());

  it("every request the service's client sends, and every answer, matches an operation in Twilio's description", async () => {
    const client = createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: standin.url } })!;
    const callSid = 'CA' + 'c'.repeat(32);
    await client.calls(callSid).update({ url: 'https://phone.example.com/twilio/answer', method: 'POST' });
    const started = await client.calls(callSid).recordings.create({
      recordingStatusCallback: 'https://phone.example.com/twilio/recording',
      recordingChannels: 'dual',
    });
    await client.calls(callSid).recordings(started.sid).update({ status: 'stopped' });
    standin.addRecording(callSid);
    const listed = await client.recordings.list({ limit: 10 });
    expect(listed.map((r) => r.sid)).toContain(started.sid);
    const fetched = await client.recordings(started.sid).fetch();
    expect(fetched.callSid).toBe(callSid);
    expect(await client.recordings(started.sid).remove()).toBe(true);
    await client.messages.create({ to: '+447700900123', from: '+441632960000', body: 'Your appointment is booked.' });
    await client
      .queues('QU' + 'd'.repeat(32))
      .members(callSid)
      .update({ url: 'https://phone.example.com/twilio/dequeued', method: 'POST' });

    expect(standin.requests.length).toBeGreaterThanOrEqual(8);
    expectRequestsMatchTwilio(standin.requests);
  });

  it('places an outbound call as Twilio describes it, tells whoever plays the callee, and refuses a ring under 15 s', async () => {
    const client = createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: standin.url } })!;
    const placed: string[] = [];
    standin.onOutboundCall = (call) => placed.push(call.sid);
    const first = standin.requests.length;
    const call = await client.calls.create({
      to: '+447700900123',
      from: '+441632960000',
      url: 'https://phone.example.com/twilio/call-back/answered?callBack=1',
      timeout: 20,
      statusCallback: 'https://phone.example.com/twilio/call-back/status?callBack=1',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      machineDetection: 'Enable',
    });
    expect(call).toMatchObject({ sid: expect.stringMatching(/^CA[0-9a-f]{32}$/), direction: 'outbound-api' });
    expect(placed).toEqual([call.sid]);
    expect(standin.outbound.get(call.sid)).toMatchObject({
      to: '+447700900123',
      timeout: 20,
      machineDetection: 'Enable',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(standin.outboundParams(call.sid, { CallStatus: 'in-progress', AnsweredBy: 'human' })).toMatchObject({
      CallSid: call.sid,
      Direction: 'outbound-api',
      To: '+447700900123',
      AnsweredBy: 'human',
    });
    await expect(
      client.calls.create({ to: '+447700900123', from: '+441632960000', url: 'https://x.example/a', timeout: 10 }),
    ).rejects.toMatchObject({ status: 400, code: 21210 });
    expectRequestsMatchTwilio(standin.requests.slice(first));
    standin.onOutboundCall = undefined;
  });

  it('refuses wrong credentials the way Twilio does (401, code 20003)', async () => {
    const client = createTwilioRest({
      twilio: { accountSid: ACCOUNT, authToken: 'f'.repeat(32), apiBaseUrl: standin.url },
    })!;
    await expect(client.recordings.list({ limit: 1 })).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it("serves a completed recording's audio to an authenticated request, and 404 after it is deleted", async () => {
    const r = standin.addRecording('CA' + 'e'.repeat(32), Buffer.from('audio-bytes'));
    const url = `${standin.url}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${r.sid}.mp3`;
    const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}` };
    const res = await fetch(url, { headers: auth });
    expect(res.headers.get('content-type')).toMatch(/audio\/mpeg/);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('audio-bytes');
    expect((await fetch(url)).status).toBe(401);
    standin.recordings.delete(r.sid);
    expect((await fetch(url, { headers: auth })).status).toBe(404);
  });

  it("serves a voicemail's transcriptions as Twilio describes them — fetch, list (the account's and the recording's), delete — and loses one whose recording went first", async () => {
    const client = createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: standin.url } })!;
    const first = standin.requests.length;
    const callParams = { CallSid: 'CA' + '7'.repeat(32), From: '+447700900123', To: '+441632960000' };
    const kept = standin.addRecording(callParams.CallSid, Buffer.from('audio'), 14, { source: 'RecordVerb' });
    const transcribing = standin.startTranscription(kept.sid);
    expect((await client.recordings(kept.sid).transcriptions.list()).map((t) => [t.sid, t.status])).toEqual([
      [transcribing.sid, 'in-progress'],
    ]);
    // What Twilio posts to the <Record>'s transcribeCallback: the call's parameters and the transcription's.
    expect(standin.finishTranscription(transcribing.sid, ' Please call me back. ', callParams)).toEqual({
      ...callParams,
      AccountSid: ACCOUNT,
      TranscriptionSid: transcribing.sid,
      TranscriptionStatus: 'completed',
      TranscriptionText: 'Please call me back.',
      TranscriptionType: 'fast',
      TranscriptionUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${kept.sid}/Transcriptions/${transcribing.sid}`,
      RecordingSid: kept.sid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${kept.sid}`,
    });
    expect(await client.transcriptions(transcribing.sid).fetch()).toMatchObject({
      recordingSid: kept.sid,
      status: 'completed',
      transcriptionText: 'Please call me back.',
    });
    expect((await client.transcriptions.list({ limit: 50 })).map((t) => t.sid)).toContain(transcribing.sid);
    expect(await client.recordings(kept.sid).transcriptions(transcribing.sid).fetch()).toMatchObject({
      status: 'completed',
    });
    // Deleting the recording leaves its transcription; that is deleted by its own sid.
    expect(await client.recordings(kept.sid).remove()).toBe(true);
    expect(standin.transcriptions.has(transcribing.sid)).toBe(true);
    expect(await client.transcriptions(transcribing.sid).remove()).toBe(true);
    await expect(client.transcriptions(transcribing.sid).fetch()).rejects.toMatchObject({ status: 404 });

    // A recording deleted before its transcript was done loses it; too short a one is never transcribed.
    const early = standin.addRecording(callParams.CallSid, Buffer.from('audio'), 14, { source: 'RecordVerb' });
    const lost = standin.startTranscription(early.sid);
    await client.recordings(early.sid).remove();
    expect(standin.finishTranscription(lost.sid, 'Too late.', callParams)).toMatchObject({
      TranscriptionStatus: 'failed',
    });
    expect(standin.finishTranscription(lost.sid, 'Too late.', callParams)).not.toHaveProperty('TranscriptionText');
    const brief = standin.addRecording(callParams.CallSid, Buffer.from('audio'), 1, { source: 'RecordVerb' });
    const short = standin.startTranscription(brief.sid);
    expect(standin.finishTranscription(short.sid, 'Hi', callParams).TranscriptionStatus).toBe('failed');
    expect(await client.recordings(brief.sid).transcriptions(short.sid).remove()).toBe(true);
    expectRequestsMatchTwilio(standin.requests.slice(first));
  });
});
