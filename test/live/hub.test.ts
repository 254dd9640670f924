import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { attachLiveHub, clinicRoom, type LiveHub } from '../../src/live/hub.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds, describeWith, needs, redisUrl } from '../helpers/services.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';
import { until } from '../helpers/until.js';

type Instance = TestApp & { url: string; hub: LiveHub; server: http.Server };

async function startInstance(db: TestDatabase, redis?: string): Promise<Instance> {
  const testApp = makeTestApp(db);
  const server = http.createServer(testApp.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hub = await attachLiveHub(server, testApp.ctx, { redisUrl: redis });
  return { ...testApp, server, hub, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopInstance(i: Instance) {
  await i.hub.close();
  i.server.closeAllConnections();
  await new Promise((resolve) => i.server.close(resolve));
}

/** Signs a member of staff in through the API and returns their session cookie. */
async function sessionCookie(instance: Instance, login: { email: string; password: string }) {
  const browser = browserAgent(instance.app);
  const res = await browser.signIn(login);
  const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('sid='))!.split(';')[0]!;
  return { cookie, browser };
}

/** A real Socket.IO client, as the dashboard connects: WebSocket only, with the session cookie. */
function liveClient(url: string, cookie?: string): Socket {
  return connect(url, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    reconnectionDelay: 50,
    reconnectionDelayMax: 100,
  });
}

const once = <T>(socket: Socket, event: string, ms = 5_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });

/** Collects every event a socket receives. */
function recorder(socket: Socket) {
  const seen: Array<{ name: string; clinicId: string }> = [];
  socket.onAny((name: string, event: { clinicId: string }) => {
    if (name !== 'ready') seen.push({ name, clinicId: event.clinicId });
  });
  return seen;
}

/** A bare WebSocket upgrade to the live endpoint: 101 when let in, else the refusal's status. The socket is closed at once. */
function upgrade(url: string, cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/socket.io/?EIO=4&transport=websocket`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(cookie ? { cookie } : {}),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode!);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds())('Live events over Socket.IO (%s database)', (kind) => {
  let db: TestDatabase;
  let instance: Instance;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    instance = await startInstance(db);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stopInstance(instance);
    await db.drop();
  });
  const open = (cookie?: string) => {
    const s = liveClient(instance.url, cookie);
    sockets.push(s);
    return s;
  };
  const ring = (to: string) =>
    signedTwilioPost(
      instance.app,
      '/twilio/voice',
      inboundCall({ To: to, CallSid: 'CA' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32) }),
    );

  it('refuses a socket without a session, or with a forged cookie, at the handshake: nothing is kept open for it', async () => {
    const clinic = await makeClinic(db.prisma);
    const { cookie } = await sessionCookie(instance, await makeStaff(db.prisma, clinic.id, 'receptionist'));
    // Raw WebSocket upgrades, as a script piling up connections would send them.
    expect(await upgrade(instance.url)).toBe(400); // engine.io's refusal of a handshake
    expect(await upgrade(instance.url, 'sid=s%3Aforged.signature')).toBe(400);
    expect(instance.hub.io.engine.clientsCount).toBe(0);
    expect(await upgrade(instance.url, cookie)).toBe(101);
    // The dashboard's client is told it cannot connect.
    await once<Error>(open(), 'connect_error');
    await once<Error>(open('sid=s%3Aforged.signature'), 'connect_error');
  });

  it("a signed-in socket hears its own clinic's events and never another clinic's", async () => {
    const [mine, theirs] = [await makeClinic(db.prisma), await makeClinic(db.prisma)];
    const anna = await makeStaff(db.prisma, mine.id, 'receptionist');
    const socket = open((await sessionCookie(instance, anna)).cookie);
    await once(socket, 'ready');
    const seen = recorder(socket);
    const ringing = once<{ clinicId: string; data: { from: string } }>(socket, 'call.ringing');
    await ring(theirs.numbers[0]!);
    await ring(mine.numbers[0]!);
    expect((await ringing).clinicId).toBe(mine.id);
    await settle();
    expect(seen.every((e) => e.clinicId === mine.id)).toBe(true);
    expect(seen.filter((e) => e.name === 'call.ringing')).toHaveLength(1);
  });

  it("signing out disconnects the session's sockets at once", async () => {
    const clinic = await makeClinic(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const { cookie, browser } = await sessionCookie(instance, anna);
    const socket = open(cookie);
    await once(socket, 'ready');
    const gone = once<string>(socket, 'disconnect');
    await browser.send('delete', '/api/session');
    expect(await gone).toBe('io server disconnect');
    // And the old cookie cannot come back.
    socket.connect();
    await once<Error>(socket, 'connect_error');
    expect(await upgrade(instance.url, cookie)).toBe(400);
  });

  it('removal from a clinic stops its events, also after the socket recovers from a dropped connection', async () => {
    const clinic = await makeClinic(db.prisma);
    const other = await makeClinic(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    await db.prisma.membership.create({ data: { userId: anna.userId, clinicId: other.id, role: 'receptionist' } });
    const socket = open((await sessionCookie(instance, anna)).cookie);
    await once(socket, 'ready');
    const seen = recorder(socket);
    await ring(clinic.numbers[0]!);
    await settle();
    expect(seen.map((e) => e.clinicId)).toEqual([clinic.id]);
    seen.length = 0;

    // Anna leaves the clinic (her membership row goes; her session stays) just as her connection drops.
    await db.prisma.membership.delete({ where: { userId_clinicId: { userId: anna.userId, clinicId: clinic.id } } });
    const back = once<{ recovered: boolean }>(socket, 'ready');
    socket.io.engine.close();
    expect((await back).recovered).toBe(true);
    await ring(clinic.numbers[0]!);
    await ring(other.numbers[0]!);
    await settle(500);
    expect(seen.map((e) => e.clinicId)).toEqual([other.id]);
  });

  it('a dashboard whose connection drops gets what its clinic said meanwhile; nothing is kept for clinics nobody watches', async () => {
    const [watched, unwatched] = [await makeClinic(db.prisma), await makeClinic(db.prisma)];
    const anna = await makeStaff(db.prisma, watched.id, 'receptionist');
    const socket = open((await sessionCookie(instance, anna)).cookie);
    await once(socket, 'ready');
    const seen = recorder(socket);
    // What the adapter holds for sockets that come back (Socket.IO keeps it private).
    const keptRooms = () =>
      (instance.hub.io.of('/').adapter as unknown as { packets: Array<{ opts: { rooms: Set<string> } }> }).packets.map(
        (p) => [...p.opts.rooms],
      );
    const keptFor = (clinicId: string) => keptRooms().filter((rooms) => rooms.includes(clinicRoom(clinicId))).length;

    await ring(unwatched.numbers[0]!);
    await ring(watched.numbers[0]!);
    await until('the watched clinic rings', () => seen.some((e) => e.name === 'call.ringing'));
    await settle();
    expect(keptFor(watched.id)).toBeGreaterThan(0);
    expect(keptFor(unwatched.id)).toBe(0);

    // Anna's connection drops and stays down while both clinics take a call.
    socket.io.reconnection(false);
    socket.io.engine.close();
    await until('the server lets the socket go', async () =>
      (await instance.hub.io.in(clinicRoom(watched.id)).fetchSockets()).length === 0 ? true : undefined,
    );
    seen.length = 0;
    const before = keptFor(watched.id);
    await ring(watched.numbers[0]!);
    await ring(unwatched.numbers[0]!);
    await settle();
    expect(keptFor(watched.id)).toBeGreaterThan(before);
    expect(keptFor(unwatched.id)).toBe(0);

    // Back: the call she missed arrives, and only her clinic's.
    const back = once<{ recovered: boolean }>(socket, 'ready');
    socket.io.reconnection(true);
    socket.connect();
    expect((await back).recovered).toBe(true);
    await until('the missed call arrives', () => seen.some((e) => e.name === 'call.ringing'));
    expect(seen.every((e) => e.clinicId === watched.id)).toBe(true);
  });

  it('removal published on the event bus, or found by the periodic check, takes the socket out of the clinic at once', async () => {
    const clinic = await makeClinic(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const ben = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const [ca, cb] = [await sessionCookie(instance, anna), await sessionCookie(instance, ben)];
    const [sa, sb] = [open(ca.cookie), open(cb.cookie)];
    await Promise.all([once(sa, 'ready'), once(sb, 'ready')]);
    const [seenA, seenB] = [recorder(sa), recorder(sb)];
    instance.ctx.events.accessChanged({ kind: 'left_clinic', userId: anna.userId, clinicId: clinic.id });
    await db.prisma.membership.delete({ where: { userId_clinicId: { userId: ben.userId, clinicId: clinic.id } } });
    await instance.hub.recheck();
    await ring(clinic.numbers[0]!);
    await settle();
    // Told they left it (their screen closes that clinic), and hearing nothing of it since.
    expect(seenA).toEqual([{ name: 'clinic.left', clinicId: clinic.id }]);
    expect(seenB).toEqual([]);
  });

  it('an owner removing someone through the API disconnects their sockets at once', async () => {
    const clinic = await makeClinic(db.prisma);
    const [owner, anna] = [
      await makeStaff(db.prisma, clinic.id, 'owner'),
      await makeStaff(db.prisma, clinic.id, 'receptionist'),
    ];
    const { browser } = await sessionCookie(instance, owner);
    const socket = open((await sessionCookie(instance, anna)).cookie);
    await once(socket, 'ready');
    const gone = once<string>(socket, 'disconnect');
    expect((await browser.send('delete', `/api/clinics/${clinic.id}/staff/${anna.userId}`)).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
  });
});

describeWith(needs.redis, 'Live events across two instances (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let a: Instance;
  let b: Instance;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(databaseKinds().includes('postgres') ? 'postgres' : 'embedded');
    [a, b] = [await startInstance(db, redisUrl), await startInstance(db, redisUrl)];
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await stopInstance(a);
    await stopInstance(b);
    await db.drop();
  });

  it('a webhook handled by instance A reaches a socket connected to instance B; a sign-out on A disconnects it', async () => {
    const clinic = await makeClinic(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const { cookie, browser } = await sessionCookie(a, anna);
    const onB = liveClient(b.url, cookie);
    sockets.push(onB);
    await once(onB, 'ready');
    const ringing = once<{ clinicId: string }>(onB, 'call.ringing');
    await signedTwilioPost(
      a.app,
      '/twilio/voice',
      inboundCall({ To: clinic.numbers[0]!, CallSid: 'CA' + 'f'.repeat(32) }),
    );
    expect((await ringing).clinicId).toBe(clinic.id);

    const gone = once<string>(onB, 'disconnect');
    await browser.send('delete', '/api/session');
    expect(await gone).toBe('io server disconnect');
  });
});

describeWith(needs.redis, 'Redis goes away and comes back (a TCP proxy in front of it)', () => {
  let db: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  const instances: Instance[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    db = await openTestDatabase(databaseKinds().includes('postgres') ? 'postgres' : 'embedded');
    const target = new URL(redisUrl!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    target.host = `127.0.0.1:${proxy.port}`;
    instances.push(await startInstance(db, target.toString()), await startInstance(db, target.toString()));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    proxy.restore();
    for (const i of instances) await stopInstance(i);
    await proxy.close();
    await db.drop();
  });

  it('each instance keeps serving its own sockets while Redis is down, and events cross again once it is back', async () => {
    const [c, d] = instances as [Instance, Instance];
    const clinic = await makeClinic(db.prisma);
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const { cookie } = await sessionCookie(c, anna);
    const [onC, onD] = [liveClient(c.url, cookie), liveClient(d.url, cookie)];
    sockets.push(onC, onD);
    await Promise.all([once(onC, 'ready'), once(onD, 'ready')]);
    const [seenC, seenD] = [recorder(onC), recorder(onD)];
    let n = 0;
    const ring = (on: Instance) =>
      signedTwilioPost(
        on.app,
        '/twilio/voice',
        inboundCall({ To: clinic.numbers[0]!, CallSid: 'CA' + (0xeed00 + n++).toString(16).padStart(32, '0') }),
      );

    proxy.cut();
    const answered = await Promise.all([ring(c), ring(d)]);
    expect(answered.map((r) => r.status)).toEqual([200, 200]);
    await until('each instance to tell its own socket', () => seenC.length >= 1 && seenD.length >= 1, 5_000);

    proxy.restore();
    // Once the clients have given up their silent connections (15 s) and reconnected, a call on C reaches D's socket again.
    const crossed = async () => {
      const before = seenD.length;
      await ring(c);
      await settle(500);
      return seenD.length > before;
    };
    const restoredAt = Date.now();
    let back = false;
    while (!back && Date.now() - restoredAt < 30_000) back = await crossed();
    expect(back).toBe(true);
  });
});
