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
});
