// Fan-out: 1,000 Socket.IO clients signed in to one clinic. The time from a signed
// POST /twilio/voice to `call.ringing` having reached every client, against a bare
// Socket.IO room broadcast to the same number of clients, both in this process.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp } from '../src/app.js';
import { DatabaseStorage } from '../src/recordings/storage.js';
import { addStaff } from '../src/accounts/staff.js';
import { startSession } from '../src/accounts/sessions.js';
import { createClinic } from '../src/clinics/clinics.js';
import { loadConfig, type ReadyConfig } from '../src/core/config.js';
import { buildContext } from '../src/main/context.js';
import { openEmbeddedDatabase } from '../src/db/database.js';
import { attachLiveHub } from '../src/live/hub.js';
import { createLogger } from '../src/core/logger.js';
import type { Figure } from './run.js';

const CLIENTS = 1_000;
const ROUNDS = 40;
const AUTH_TOKEN = 'b'.repeat(32);
const BASE = 'https://bench.phone.test';
const NUMBER = '+441632960777';

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

/** Opens `count` WebSocket clients, a few at a time, and waits until each has said it is ready. */
async function openClients(
  url: string,
  count: number,
  headers: Record<string, string>,
  readyEvent: string,
): Promise<Socket[]> {
  const clients: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () =>
      connect(url, { transports: ['websocket'], forceNew: true, extraHeaders: headers, reconnection: false }),
    );
    await Promise.all(
      batch.map(
        (c) =>
          new Promise((resolve, reject) => {
            c.once(readyEvent, resolve);
            c.once('connect_error', reject);
          }),
      ),
    );
    clients.push(...batch);
  }
  return clients;
}

/** Runs `trigger` and resolves with the milliseconds until every client has received `event`. */
function timeToAll(
  clients: Socket[],
  event: string,
  trigger: () => unknown,
  matches: (payload: unknown) => boolean,
): Promise<number> {
  return new Promise((resolve) => {
    let left = clients.length;
    const start = performance.now();
    for (const c of clients) {
      const onEvent = (payload: unknown) => {
        if (!matches(payload)) return;
        c.off(event, onEvent);
        if (--left === 0) resolve(performance.now() - start);
      };
      c.on(event, onEvent);
    }
    void trigger();
  });
}

export async function fanoutBenchmarks(): Promise<Figure[]> {
  // The service, as it starts, on the embedded database (the fan-out does not touch PostgreSQL).
  const config = loadConfig({
    NODE_ENV: 'production',
    PUBLIC_BASE_URL: BASE,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    SESSION_SECRET: 's'.repeat(40),
    RECORDINGS_KEY: 'ab'.repeat(32),
    LOG_LEVEL: 'silent',
  }) as ReadyConfig;
  const db = await openEmbeddedDatabase({ dataDir: 'memory://' });
  await db.migrate();
  const clinic = await createClinic(
    db.prisma,
    { name: 'Fan-out Clinic', numbers: [NUMBER], timeZone: 'Europe/London', locale: 'en-GB' },
    { type: 'system' },
  );
  const { userId } = await addStaff(
    db.prisma,
    { clinicId: clinic.id, email: 'desk@fanout.test', role: 'receptionist', password: 'fan-out-password-1' },
    { type: 'system' },
  );
  const { token } = await startSession(db.prisma, userId, new Date());
  const ctx = buildContext({
    config,
    db,
    logger: createLogger({ level: 'silent' }),
    twilio: null,
    recordings: new DatabaseStorage(db.prisma),
  });
  const server = http.createServer(createApp(ctx));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const live = await attachLiveHub(server, ctx);
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The session cookie, signed as Express signs it (cookie-signature: HMAC-SHA256, base64 without padding).
  const signature = createHmac('sha256', config.sessionSecret).update(token).digest('base64').replace(/=+$/, '');
  const cookie = `__Host-sid=${encodeURIComponent(`s:${token}.${signature}`)}`;

  // The baseline: a bare Socket.IO server, its clients in one room.
  const bareServer = http.createServer();
  const bare = new Server(bareServer, { serveClient: false });
  bare.on('connection', (s) => {
    s.join('room');
    s.emit('ready');
  });
  await new Promise<void>((resolve) => bareServer.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

  const serviceClients = await openClients(serviceUrl, CLIENTS, { cookie, origin: serviceUrl }, 'ready');
  const bareClients = await openClients(bareUrl, CLIENTS, {}, 'ready');
  try {
    const viaWebhook: number[] = [];
    const broadcast: number[] = [];
    for (let round = 0; round < ROUNDS + 5; round++) {
      const callSid = 'CA' + randomBytes(16).toString('hex');
      const params: Record<string, string> = {
        AccountSid: 'AC' + 'a'.repeat(32),
        CallSid: callSid,
        From: '+447700900123',
        To: NUMBER,
        CallStatus: 'ringing',
        Direction: 'inbound',
        ApiVersion: '2010-04-01',
      };
      const signed = createHmac('sha1', AUTH_TOKEN)
        .update(
          BASE +
            '/twilio/voice' +
            Object.keys(params)
              .sort()
              .map((k) => k + params[k])
              .join(''),
        )
        .digest('base64');
      const webhook = await timeToAll(
        serviceClients,
        'call.ringing',
        () =>
          fetch(`${serviceUrl}/twilio/voice`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
            body: new URLSearchParams(params),
          }),
        (e) => (e as { data: { callSid: string } }).data.callSid === callSid,
      );
      const id = randomBytes(8).toString('hex');
      const plain = await timeToAll(
        bareClients,
        'call.ringing',
        () => bare.to('room').emit('call.ringing', { id }),
        (e) => (e as { id: string }).id === id,
      );
      if (round >= 5) {
        // The first rounds warm both paths up.
        viaWebhook.push(webhook);
        broadcast.push(plain);
      }
    }
    return [
      {
        figure: `call.ringing to ${CLIENTS} sockets, from the webhook request: p50`,
        value: percentile(viaWebhook, 50),
        unit: 'ms',
        baseline: percentile(broadcast, 50),
        baselineLabel: 'bare room broadcast',
      },
      {
        figure: `call.ringing to ${CLIENTS} sockets, from the webhook request: p99 (goal: ≤ 1.2× bare)`,
        value: percentile(viaWebhook, 99),
        unit: 'ms',
        baseline: percentile(broadcast, 99),
        baselineLabel: 'bare room broadcast',
        goal: { max: 1.2, of: 'ratio' },
      },
    ];
  } finally {
    for (const c of [...serviceClients, ...bareClients]) c.disconnect();
    await live.close();
    bare.close();
    server.close();
    await db.close();
  }
}
