// The phone simulator end to end: a real server started as `npm start` does on a
// fresh machine (the demo clinic, no Twilio account), driven through its API as the
// simulator page drives it.
import { simulatorMode } from '../../src/simulator/mode.js';
import { signIn } from '../helpers/http-browser.js';
import { startServerProcess, tempDataDir, type ServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const twilio = (over: Partial<{ authToken: string; apiKey: string; apiBaseUrl: string }> = {}) => ({ apiBaseUrl: 'https://api.twilio.com', ...over });

describe('When the simulator runs', () => {
  it('outside production without Twilio, or with SIMULATOR=on; never with real credentials, never when switched off', () => {
    expect(simulatorMode({ production: false, twilio: twilio() })).toEqual({ enabled: true });
    expect(simulatorMode({ production: false, twilio: twilio({ authToken: 'a'.repeat(32), apiBaseUrl: 'http://127.0.0.1:4010' }) })).toEqual({ enabled: true });
    expect(simulatorMode({ production: true, twilio: twilio(), simulator: 'on' })).toEqual({ enabled: true });
    expect(simulatorMode({ production: true, twilio: twilio() })).toMatchObject({ enabled: false, reason: expect.stringContaining('NODE_ENV=production') });
    expect(simulatorMode({ production: false, twilio: twilio(), simulator: 'off' })).toMatchObject({ enabled: false, reason: 'SIMULATOR=off' });
    for (const real of [{ authToken: 'a'.repeat(32) }, { apiKey: 'SK' + 'b'.repeat(32) }]) {
      expect(simulatorMode({ production: false, twilio: twilio(real), simulator: 'on' })).toMatchObject({ enabled: false, reason: expect.stringContaining('real Twilio credentials') });
    }
  });
});

describe('The simulator on a fresh machine (a real process, embedded database, no Twilio account)', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('a demo patient books by phone through the real webhooks; the booking and the call are there', async () => {
    server = await startServerProcess({ DATA_DIR: await tempDataDir() });
    expect(server.stdout()).toContain('phone simulator on');
    const demo = await until('the demo sign-in to be printed', () => /owner\s+(\S+)\s+password (\S+)/.exec(server!.stdout()), 10_000);
    const owner = await signIn(server.url, { email: demo[1]!, password: demo[2]! });
    const session = await owner.call('GET', '/api/session');
    const clinicId = (session.body.clinics as Array<{ id: string }>)[0]!.id;
    const base = `/api/clinics/${clinicId}/simulator/calls`;

    // Jane Doe, the demo's first patient, rings from her own phone.
    let call = await owner.call('POST', base, { from: '+447700900100' });
    expect(call.status).toBe(201);
    const said = () => (call.body.transcript as Array<{ who: string; text: string }>).filter((l) => l.who === 'line').map((l) => l.text).join(' ');
    expect(said()).toContain('If this is an emergency, hang up and call 999.');
    expect(call.body).toMatchObject({ state: 'gathering', takes: 'keys or speech' });
    // The first choice at every question: book, the first type, the first time, Jane, yes.
    for (let step = 0; step < 8 && call.body.state === 'gathering' && !said().includes("You're booked"); step++) {
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
      expect(call.status).toBe(200);
    }
    expect(said()).toMatch(/You're booked for .* with (Dr Patel|Dr Khan|Nurse Okafor)\./);
    expect(call.body.state).toBe('ended');

    // The diary has it, booked by phone, and the call log shows the call as booked.
    const log = await owner.call('GET', `/api/clinics/${clinicId}/calls?outcome=booked&limit=5`);
    expect((log.body.calls as Array<{ callSid: string }>).map((c) => c.callSid)).toContain(call.body.sid);
    // Nothing more can be done on an ended call, and nobody else's call can be reached.
    expect((await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' })).status).toBe(409);
    expect((await owner.call('POST', `${base}/CA${'0'.repeat(32)}/press`, { digits: '1' })).status).toBe(404);
    expect((await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: 'x' })).body).toMatchObject({ error: { field: 'digits' } });

    // A stranger leaves a message: asked for reception in hours (nobody is taking calls,
    // the demo has no desk phone) or offered one when reception is closed.
    call = await owner.call('POST', base, { from: '+447700900999' });
    call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: said().includes('To leave a message for the clinic, press 1') ? '1' : '3' });
    if (call.body.takes !== 'a message' && said().includes('To leave a message for the clinic, press 1')) call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
    expect(call.body.takes).toBe('a message');
    expect((await owner.call('POST', `${base}/${call.body.sid}/message`, { seconds: 0 })).body).toMatchObject({ error: { field: 'seconds' } });
    call = await owner.call('POST', `${base}/${call.body.sid}/message`, { seconds: 6 });
    expect(call.status).toBe(200);
    expect(call.body.state).toBe('ended');
    // Twilio's part, played by the server: the recording is fetched from its stand-in, stored encrypted, and on the call-back list.
    const voicemail = await until('the message to be stored', async () => {
      const list = (await owner.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{ fromNumber: string; voicemail: { id: string; status: string; durationSeconds: number } | null }>;
      const mine = list.find((c) => c.fromNumber === '+447700900999');
      return mine?.voicemail?.status === 'stored' ? mine.voicemail : undefined;
    }, 30_000);
    expect(voicemail.durationSeconds).toBe(6);
    const audio = await fetch(`${server.url}/api/clinics/${clinicId}/recordings/${voicemail.id}/audio`, { headers: { cookie: owner.cookie() } });
    expect(audio.status).toBe(200);
    expect(Buffer.from(await audio.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfb])); // an MP3 frame: it plays
  }, 120_000);
});
