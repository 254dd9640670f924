// The phone simulator end to end: a real server started as `npm start` does on a
// fresh machine (the demo clinic, no Twilio account), driven through its API as the
// simulator page drives it.
import { simulatorMode } from '../../src/simulator/mode.js';
import { io as connect } from 'socket.io-client';
import { type DemoServer, openReceptionAllWeek, startDemoServer } from '../helpers/demo-server.js';
import type { HttpBrowser } from '../helpers/http-browser.js';
import type { ServerProcess } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const twilio = (over: Partial<{ authToken: string; apiKey: string; apiBaseUrl: string }> = {}) => ({
  apiBaseUrl: 'https://api.twilio.com',
  ...over,
});

describe('When the simulator runs', () => {
  it('outside production without Twilio, or with SIMULATOR=on; never with real credentials, never when switched off', () => {
    expect(simulatorMode({ production: false, twilio: twilio() })).toEqual({ enabled: true });
    expect(
      simulatorMode({
        production: false,
        twilio: twilio({ authToken: 'a'.repeat(32), apiBaseUrl: 'http://127.0.0.1:4010' }),
      }),
    ).toEqual({ enabled: true });
    expect(simulatorMode({ production: true, twilio: twilio(), simulator: 'on' })).toEqual({ enabled: true });
    expect(simulatorMode({ production: true, twilio: twilio() })).toMatchObject({
      enabled: false,
      reason: expect.stringContaining('NODE_ENV=production'),
    });
    expect(simulatorMode({ production: false, twilio: twilio(), simulator: 'off' })).toMatchObject({
      enabled: false,
      reason: 'SIMULATOR=off',
    });
    for (const real of [{ authToken: 'a'.repeat(32) }, { apiKey: 'SK' + 'b'.repeat(32) }]) {
      expect(simulatorMode({ production: false, twilio: twilio(real), simulator: 'on' })).toMatchObject({
        enabled: false,
        reason: expect.stringContaining('real Twilio credentials'),
      });
      // Twilio's API however its address is written: any port, case, path or host of twilio.com.
      for (const apiBaseUrl of [
        'https://api.twilio.com:443',
        'https://API.Twilio.com/',
        'https://api.twilio.com/2010-04-01',
        'https://api.dublin.ie1.twilio.com',
        'http://api.twilio.com',
      ]) {
        expect(
          simulatorMode({ production: false, twilio: twilio({ ...real, apiBaseUrl }), simulator: 'on' }),
        ).toMatchObject({ enabled: false, reason: expect.stringContaining('real Twilio credentials') });
      }
    }
  });
});

describe('The simulator on a fresh machine (a real process, embedded database, no Twilio account)', () => {
  let demo: DemoServer;
  let server: ServerProcess;
  let owner: HttpBrowser;
  let clinicId: string;
  let base: string;
  beforeAll(async () => {
    demo = await startDemoServer();
    ({ server, ownerApi: owner, clinicId } = demo);
    base = `/api/clinics/${clinicId}/simulator/calls`;
  }, 60_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('a demo patient books by phone through the real webhooks; the booking and the call are there', async () => {
    expect(server.stdout()).toContain('phone simulator on');

    // Jane Doe, the demo's first patient, rings from her own phone.
    let call = await owner.call('POST', base, { from: '+447700900100' });
    expect(call.status).toBe(201);
    const said = () =>
      (call.body.transcript as Array<{ who: string; text: string }>)
        .filter((l) => l.who === 'line')
        .map((l) => l.text)
        .join(' ');
    expect(said()).toContain('If this is an emergency, hang up and call 999.');
    expect(call.body).toMatchObject({ state: 'gathering', takes: 'keys or speech' });
    // The first choice at every question: book, the first type, the first time, someone registered,
    // Jane's date of birth (all eight keys at once, as the question says it takes), yes.
    const jane = (
      (await owner.call('GET', `/api/clinics/${clinicId}/patients?q=Jane%20Doe`)).body.patients as Array<{
        dateOfBirth: string;
      }>
    )[0]!;
    const [year, month, day] = jane.dateOfBirth.split('-');
    for (let step = 0; step < 8 && call.body.state === 'gathering' && !said().includes("You're booked"); step++) {
      const digits = call.body.digits === 8 ? `${day}${month}${year}` : '1';
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits });
      expect(call.status).toBe(200);
    }
    expect(said()).toMatch(/You're booked for .* with (Dr Patel|Dr Khan|Nurse Okafor) /);
    // "Anything else?" — no, said as a caller would.
    call = await owner.call('POST', `${base}/${call.body.sid}/say`, { words: 'no thank you' });
    expect(call.body.state).toBe('ended');

    // The diary has it, booked by phone, and the call log shows the call as booked.
    const log = await owner.call('GET', `/api/clinics/${clinicId}/calls?outcome=booked&limit=5`);
    expect((log.body.calls as Array<{ callSid: string }>).map((c) => c.callSid)).toContain(call.body.sid);
    // Nothing more can be done on an ended call, and nobody else's call can be reached.
    expect((await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' })).status).toBe(409);
    expect((await owner.call('POST', `${base}/CA${'0'.repeat(32)}/press`, { digits: '1' })).status).toBe(404);
    expect((await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: 'x' })).body).toMatchObject({
      error: { field: 'digits' },
    });
    // It calls the clinic's own numbers only.
    const another = await owner.call('POST', base, { from: '+447700900100', to: '+441632960999' });
    expect(another).toMatchObject({
      status: 400,
      body: { error: { field: 'to', message: expect.stringContaining("must be one of this clinic's numbers") } },
    });

    // A stranger leaves a message: asked for reception in hours (nobody is taking calls,
    // the demo has no desk phone) or offered one when reception is closed.
    call = await owner.call('POST', base, { from: '+447700900999' });
    call = await owner.call('POST', `${base}/${call.body.sid}/press`, {
      digits: said().includes('To leave a message for the clinic, say message or press 1') ? '1' : '3',
    });
    if (call.body.takes !== 'a message' && said().includes('To leave a message for the clinic, say message or press 1'))
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
    expect(call.body.takes).toBe('a message');
    expect((await owner.call('POST', `${base}/${call.body.sid}/message`, { seconds: 0 })).body).toMatchObject({
      error: { field: 'seconds' },
    });
    call = await owner.call('POST', `${base}/${call.body.sid}/message`, { seconds: 6 });
    expect(call.status).toBe(200);
    expect(call.body.state).toBe('ended');
    // Twilio's part, played by the server: the recording is fetched from its stand-in, stored encrypted, and on the call-back list.
    const voicemail = await until(
      'the message to be stored',
      async () => {
        const list = (await owner.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{
          fromNumber: string;
          voicemail: { id: string; status: string; durationSeconds: number } | null;
        }>;
        const mine = list.find((c) => c.fromNumber === '+447700900999');
        return mine?.voicemail?.status === 'stored' ? mine.voicemail : undefined;
      },
      30_000,
    );
    expect(voicemail.durationSeconds).toBe(6);
    const audio = await fetch(`${server.url}/api/clinics/${clinicId}/recordings/${voicemail.id}/audio`, {
      headers: { cookie: owner.cookie() },
    });
    expect(audio.status).toBe(200);
    expect(Buffer.from(await audio.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfb])); // an MP3 frame: it plays
  }, 120_000);

  it('a caller waits in the queue, reception answers in the simulated browser phone and hangs up; a caller who gives up is on the call-back list', async () => {
    // Reception open all week whatever the hour the test runs, and the owner taking calls.
    await openReceptionAllWeek(demo);
    // No Twilio to talk to: the dashboard is told its phone is simulated, and gets no token.
    const voice = await owner.call('GET', '/api/voice/token');
    expect(voice.body).toEqual({
      simulated: true,
      identity: expect.stringMatching(/^staff_[0-9a-f]{32}$/),
      expiresAt: expect.any(String),
    });
    const events: Array<{ name: string; data: Record<string, unknown> }> = [];
    const socket = connect(server.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: owner.cookie(), origin: server.url },
    });
    socket.onAny((name: string, event: { data: Record<string, unknown> }) => events.push({ name, data: event.data }));
    try {
      await until('the dashboard socket to be ready', () => socket.connected || undefined, 10_000);
      await socket.emitWithAck('answering', true); // the Live screen is open
      // Taking calls, with the dashboard open (presence counts only while it is connected).
      await until(
        'going available to be accepted',
        async () => (await owner.call('PUT', '/api/presence', { available: true })).status === 200 || undefined,
        10_000,
      );
      const heard = (call: { body: Record<string, unknown> }) =>
        (call.body.transcript as Array<{ who: string; text: string }>)
          .filter((l) => l.who === 'line')
          .map((l) => l.text)
          .join(' ');
      let jane = await owner.call('POST', base, { from: '+447700900100' });
      jane = await owner.call('POST', `${base}/${jane.body.sid}/press`, { digits: '3' });
      expect(jane.body.state).toBe('queued');
      expect(heard(jane)).toContain('Please hold for reception. You are next in the queue.');
      let stranger = await owner.call('POST', base, { from: '+447700900998' });
      stranger = await owner.call('POST', `${base}/${stranger.body.sid}/press`, { digits: '3' });
      expect(heard(stranger)).toContain('You are number 2 in the queue.');

      // The Live screen's queue: Jane first, by name.
      const queue = (await owner.call('GET', `/api/clinics/${clinicId}/queue`)).body.callers as Array<{
        id: string;
        position: number;
        callers: Array<{ name: string }>;
      }>;
      expect(queue.map((c) => c.callers.map((p) => p.name))).toEqual([['Jane Doe'], []]);
      const answered = await owner.call('POST', `/api/clinics/${clinicId}/calls/${queue[0]!.id}/answer`);
      expect(answered.body).toMatchObject({ callSid: jane.body.sid, identity: voice.body.identity });
      // Twilio's dequeue (played by the server) puts Jane through to the owner's browser.
      await until(
        'the browser phone to ring',
        () => events.find((e) => e.name === 'simulator.browser_ringing' && e.data.callSid === jane.body.sid),
        10_000,
      );
      expect(events.find((e) => e.name === 'simulator.browser_ringing')!.data.identity).toBe(voice.body.identity);
      jane = await until(
        'Jane to be put through',
        async () => {
          const now = await owner.call('GET', `${base}/${jane.body.sid}`);
          return now.body.state === 'connected' ? now : undefined;
        },
        10_000,
      );
      // Someone else cannot answer her again.
      expect((await owner.call('POST', `/api/clinics/${clinicId}/calls/${queue[0]!.id}/answer`)).status).toBe(409);

      // The stranger gives up waiting.
      expect((await owner.call('POST', `${base}/${stranger.body.sid}/hangup`)).body.state).toBe('ended');
      // Reception hangs up: Jane hears goodbye and the call ends, answered by the owner.
      jane = await owner.call('POST', `${base}/${jane.body.sid}/reception-hangup`);
      expect(jane.body.state).toBe('ended');
      expect(heard(jane)).toMatch(/Thank you for calling\. Goodbye\.$/);
      await until(
        'the dashboard to hear the call ended',
        () => events.find((e) => e.name === 'call.ended' && e.data.callSid === jane.body.sid),
        10_000,
      );
      const log = (await owner.call('GET', `/api/clinics/${clinicId}/calls?limit=10`)).body.calls as Array<{
        callSid: string;
        status: string;
        answeredBy: string | null;
        outcome: string;
      }>;
      expect(log.find((c) => c.callSid === jane.body.sid)).toMatchObject({
        status: 'completed',
        outcome: 'reception',
        answeredBy: expect.any(String),
      });
      const callBacks = (await owner.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{
        fromNumber: string;
        callers: unknown[];
      }>;
      expect(callBacks.find((c) => c.fromNumber === '+447700900998')).toMatchObject({ callers: [] }); // a stranger
      expect((await owner.call('POST', `${base}/${jane.body.sid}/reception-hangup`)).status).toBe(409);
    } finally {
      socket.close();
    }
  }, 60_000);

  it('a caller sent to voicemail who hangs up at the tone is ended as Twilio ends it, and lands on the call-back list as missed', async () => {
    await openReceptionAllWeek(demo);
    expect((await owner.call('PUT', '/api/presence', { available: false })).status).toBe(200);
    let call = await owner.call('POST', base, { from: '+447700900997' });
    call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '3' });
    expect(call.body.takes).toBe('a message');
    call = await owner.call('POST', `${base}/${call.body.sid}/hangup`);
    expect(call.body.state).toBe('ended');
    const entry = await until(
      'the caller to be on the call-back list',
      async () =>
        (
          (await owner.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{
            fromNumber: string;
            reason: string;
            calls: Array<{ missedBecause: string; outcome: string }>;
          }>
        ).find((c) => c.fromNumber === '+447700900997'),
      10_000,
    );
    expect(entry).toMatchObject({ reason: 'missed', calls: [{ missedBecause: 'nobody_free', outcome: 'missed' }] });
    const log = (await owner.call('GET', `/api/clinics/${clinicId}/calls?outcome=missed&limit=5`)).body.calls as Array<{
      callSid: string;
    }>;
    expect(log.map((c) => c.callSid)).toContain(call.body.sid);
  }, 60_000);

  it('a queued caller offered a call-back presses 1 on the simulator, confirms the number, is on the list in their place, and their phone rings when rung back', async () => {
    await openReceptionAllWeek(demo);
    const patch = await owner.call('PATCH', `/api/clinics/${clinicId}`, { queueCallBackAfterSeconds: 0 });
    expect(patch.status).toBe(200);
    const socket = connect(server.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: owner.cookie(), origin: server.url },
    });
    try {
      await until('the dashboard socket to be ready', () => socket.connected || undefined, 10_000);
      await socket.emitWithAck('answering', true);
      await until(
        'going available to be accepted',
        async () => (await owner.call('PUT', '/api/presence', { available: true })).status === 200 || undefined,
        10_000,
      );
      let call = await owner.call('POST', base, { from: '+447700900996' });
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '3' });
      expect(call.body).toMatchObject({ state: 'queued', takes: 'keys', digits: 1 });
      const heard = () =>
        (call.body.transcript as Array<{ who: string; text: string }>)
          .filter((l) => l.who === 'line')
          .map((l) => l.text);
      expect(heard().join(' ')).toContain('To keep your place in the queue and be called back, press 1.');
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
      expect(heard().at(-1)).toContain('the number ending 9 9 6');
      call = await owner.call('POST', `${base}/${call.body.sid}/press`, { digits: '1' });
      expect(call.body.state).toBe('ended');
      expect(heard().join(' ')).toContain('You keep your place in the queue');
      const list = (await owner.call('GET', `/api/clinics/${clinicId}/call-backs`)).body.callBacks as Array<{
        fromNumber: string;
        reason: string;
        queueCallBack: { ringNumber: string } | null;
      }>;
      expect(list.find((c) => c.fromNumber === '+447700900996')).toMatchObject({
        reason: 'requested',
        queueCallBack: { ringNumber: '+447700900996' },
      });
      // The owner is free: at the next beat the clinic rings the caller back, and their phone rings here.
      const ringing = await until(
        "the caller's phone to ring on the simulator",
        async () =>
          (
            (await owner.call('GET', `/api/clinics/${clinicId}/simulator/patients-phone`)).body.calls as Array<{
              sid: string;
              to: string;
            }>
          ).find((c) => c.to === '+447700900996'),
        40_000,
      );
      expect((await owner.call('POST', `${base}/${ringing.sid}/decline`)).body.state).toBe('ended');
    } finally {
      await owner.call('PATCH', `/api/clinics/${clinicId}`, { queueCallBackAfterSeconds: null });
      await owner.call('PUT', '/api/presence', { available: false });
      socket.close();
    }
  }, 60_000);

  it('a clinic that records calls gets the recording of the whole call, brought home as from Twilio', async () => {
    expect(
      (
        await owner.call('PATCH', `/api/clinics/${clinicId}`, {
          recordCalls: true,
          recordingNotice: 'Calls are recorded for training.',
        })
      ).status,
    ).toBe(200);
    try {
      let call = await owner.call('POST', base, { from: '+447700900101' });
      expect((call.body.transcript as Array<{ text: string }>).map((l) => l.text)).toEqual(
        expect.arrayContaining(['Calls are recorded for training.', '(the call is being recorded)']),
      );
      call = await owner.call('POST', `${base}/${call.body.sid}/hangup`);
      expect(call.body.state).toBe('ended');
      const log = (await owner.call('GET', `/api/clinics/${clinicId}/calls?limit=5`)).body.calls as Array<{
        id: string;
        callSid: string;
      }>;
      const callId = log.find((c) => c.callSid === call.body.sid)!.id;
      const recording = await until(
        'the call recording to be stored',
        async () => {
          const detail = (await owner.call('GET', `/api/clinics/${clinicId}/calls/${callId}`)).body as {
            recordings: Array<{ id: string; kind: string; status: string }>;
          };
          return detail.recordings.find((r) => r.kind === 'call' && r.status === 'stored');
        },
        30_000,
      );
      const audio = await fetch(`${server.url}/api/clinics/${clinicId}/recordings/${recording.id}/audio`, {
        headers: { cookie: owner.cookie() },
      });
      expect(audio.status).toBe(200);
      expect(Buffer.from(await audio.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfb]));
    } finally {
      await owner.call('PATCH', `/api/clinics/${clinicId}`, { recordCalls: false });
    }
  }, 60_000);
});
