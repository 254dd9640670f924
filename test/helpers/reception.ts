// A clinic whose reception takes calls: open Mon–Fri 08:30–18:00, Twilio configured for
// answering in the browser (against the given stand-in), staff who sign in and go available.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { AppEvent, EventBus } from '../../src/core/events.js';
import { attachLiveHub } from '../../src/live/hub.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import type { Database } from '../../src/db/database.js';
import { type OutboundCall, TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, TEST_AUTH_TOKEN, TEST_BASE_URL, testClock } from './app.js';
import { Caller } from './caller.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { makeDiary, openReceptionWeekdays } from './diary.js';
import { browserAgent, makeStaff } from './fixtures.js';
import { MONDAY_9AM } from './phone-line.js';
import { signedTwilioPost } from './twilio.js';
import { until } from './until.js';

export const ACCOUNT = 'AC' + 'a'.repeat(32);
export const API_KEY = 'SK' + 'b'.repeat(32);
export const API_SECRET = 'api-secret-for-tests-0123456789';
export const APP_SID = 'AP' + 'c'.repeat(32);

const running: Array<() => Promise<void>> = [];

/** Stops every reception's server, hub and dashboard connections (call it in afterEach). */
export async function closeReceptions(): Promise<void> {
  for (const stop of running.splice(0)) await stop();
}

/**
 * The dashboard's live connection, as a browser makes it: WebSocket, the session cookie;
 * resolves once the hub says ready and — with the Live screen open, as by default — has
 * recorded that this connection can answer calls.
 */
export async function openDashboard(url: string, cookie: string, options: { live?: boolean } = {}): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', reject);
  });
  if (options.live !== false) await socket.emitWithAck('answering', true);
  return socket;
}

/**
 * The clinic, its app on a real HTTP server with the live hub (presence counts a person
 * only while their dashboard is connected), and its staff. Stopped by closeReceptions().
 * With `simulator` (publishing on `events`), the phone simulator plays calls against it.
 */
export async function makeReception(
  db: TestDatabase,
  standin: TwilioStandin,
  options: { twilio?: boolean; simulator?: Simulator; events?: EventBus; env?: Record<string, string> } = {},
) {
  const diary = await receptionClinic(db);
  const { clinic } = diary;
  const instance = await startInstance(db, standin, { ...options, clock: testClock(MONDAY_9AM) });
  return {
    ...diary,
    ...instance,
    staff: (role: 'owner' | 'receptionist' = 'receptionist', clinicId = clinic.id) => instance.staff(clinicId, role),
    caller: (from = '+447700900123') => new Caller(instance.app, clinic.numbers[0]!, from),
  };
}

/** A diary clinic whose reception is open Mon–Fri 08:30–18:00. */
export async function receptionClinic(db: Database) {
  const diary = await makeDiary(db.prisma);
  await openReceptionWeekdays(db.prisma, diary.clinic.id, 8 * 60 + 30, 18 * 60);
  return diary;
}

/**
 * One instance of the service: the app on a real HTTP server with its live hub (over
 * Redis with `redisUrl`, as several instances run), on the given database and clock.
 * `staff` signs a new member of a clinic in here; their dashboard connects here.
 */
export async function startInstance(
  db: Database,
  standin: TwilioStandin,
  options: {
    clock: ReturnType<typeof testClock>;
    twilio?: boolean;
    simulator?: Simulator;
    events?: EventBus;
    redisUrl?: string;
    /** More environment variables for the instance (METRICS_TOKEN, say). */
    env?: Record<string, string>;
  },
) {
  const { clock } = options;
  const env = {
    ...(options.twilio === false
      ? {}
      : {
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_API_KEY: API_KEY,
          TWILIO_API_SECRET: API_SECRET,
          TWILIO_TWIML_APP_SID: APP_SID,
          TWILIO_API_BASE_URL: standin.url,
        }),
    ...options.env,
  };
  const { app, ctx } = makeTestApp(db, { clock, env, simulator: options.simulator, events: options.events });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hub = await attachLiveHub(server, ctx, { redisUrl: options.redisUrl });
  // A test's beat starts after, and ends after, the ring-back passes that events woke: each step is one instant.
  const beat = hub.heartbeat;
  hub.heartbeat = async () => {
    await hub.ringBackSettled();
    await beat();
    await hub.ringBackSettled();
  };
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  options.simulator?.listening(url);
  const sockets: Socket[] = [];
  running.push(async () => {
    options.simulator?.stop();
    for (const socket of sockets) socket.close();
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const events: AppEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  const staff = async (clinicId: string, role: 'owner' | 'receptionist' = 'receptionist') => {
    const login = await makeStaff(db.prisma, clinicId, role);
    const browser = browserAgent(app);
    const signedIn = await browser.signIn(login);
    if (signedIn.status !== 200) throw new Error('could not sign in');
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[])
      .find((c) => c.startsWith('sid='))!
      .split(';')[0]!;
    let dashboard: Socket | null = null;
    const person = {
      ...login,
      browser,
      cookie,
      /** Opens the dashboard (its live connection), once. */
      openDashboard: async () => {
        dashboard ??= await openDashboard(url, cookie);
        sockets.push(dashboard);
        return dashboard;
      },
      /** Closes the dashboard; resolves once the server has seen it go (and, were it their last, noted it). */
      closeDashboard: async () => {
        const before = await db.prisma.presence.findUnique({ where: { userId: login.userId } });
        const id = dashboard?.id;
        dashboard?.close();
        dashboard = null;
        const left = await until('the server to see the dashboard close', async () => {
          const mine = (await hub.io.local.fetchSockets()).filter((s) => s.data.userId === login.userId);
          return mine.every((s) => s.id !== id) && { last: mine.length === 0 };
        });
        if (left.last)
          await until('the server to note the last dashboard gone', async () => {
            const now = await db.prisma.presence.findUnique({ where: { userId: login.userId } });
            return now?.liveUntil?.getTime() !== before?.liveUntil?.getTime() || undefined;
          });
      },
      /** Goes available (with the dashboard open, as the Live screen's button is pressed) or away. */
      available: async (available = true) => {
        if (available) await person.openDashboard();
        return browser.send('put', '/api/presence', { available });
      },
    };
    return person;
  };
  return { app, ctx, hub, url, clock, events, staff };
}

/**
 * The patient's phone for a ring-back the stand-in placed, played as Twilio reports it
 * to `app` (an app, or a URL that reaches one): the answer, a key, the bridge's end, the call's end.
 */
export function patientsPhone(app: Parameters<typeof signedTwilioPost>[0], standin: TwilioStandin, call: OutboundCall) {
  const path = (url: string) => url.replace(TEST_BASE_URL, '');
  const actionOf = (twiml: string, verb: 'Gather' | 'Dial') =>
    new RegExp(`<${verb} [^>]*action="([^"]+)"`).exec(twiml)![1]!.replace(/&amp;/g, '&');
  return {
    answer: (answeredBy: string) =>
      signedTwilioPost(
        app,
        path(call.url),
        standin.outboundParams(call.sid, { CallStatus: 'in-progress', AnsweredBy: answeredBy }),
      ),
    press: (twiml: string, digits: string) =>
      signedTwilioPost(
        app,
        path(actionOf(twiml, 'Gather')),
        standin.outboundParams(call.sid, { CallStatus: 'in-progress', Digits: digits }),
      ),
    bridged: (twiml: string, status: string, seconds = 90) =>
      signedTwilioPost(
        app,
        path(actionOf(twiml, 'Dial')),
        standin.outboundParams(call.sid, { DialCallStatus: status, DialCallDuration: String(seconds) }),
      ),
    ends: (status: string, seconds = 95) =>
      signedTwilioPost(
        app,
        path(call.statusCallback!),
        standin.outboundParams(call.sid, { CallStatus: status, CallDuration: String(seconds) }),
      ),
  };
}

/**
 * A caller who asks from the queue to be called back: rings, asks for reception, waits,
 * presses 1, confirms their caller ID (and, where the clinic asks when, answers `when`),
 * hangs up. The clinic must offer call-backs (`queueCallBackAfterSeconds: 0` offers at once).
 */
export async function askForCallBack(caller: Caller, options: { when?: string; position?: number } = {}) {
  const position = options.position ?? 1;
  await caller.dial();
  await caller.press('3');
  await caller.waitInQueue(position, 5);
  await caller.press('1');
  await caller.leftQueue('leave', 6);
  await caller.press('1');
  if (options.when !== undefined) await (options.when === '' ? caller.silence() : caller.say(options.when));
  await caller.ended(40);
  return caller;
}

/**
 * A database and a Twilio stand-in (set up for answering in the browser) for one describe
 * block of reception stories: made before its tests, removed after; `use` receives them.
 * After each test its receptions close; before each, jobs left by another test's clinic go
 * (a test's job runner runs every due job in the database).
 */
export function receptionWorld(
  kind: 'embedded' | 'postgres',
  use: (world: { db: TestDatabase; standin: TwilioStandin }) => void,
  options: { beforeClose?: (standin: TwilioStandin) => void } = {},
): void {
  let world: { db: TestDatabase; standin: TwilioStandin } | undefined;
  beforeAll(async () => {
    const db = await openTestDatabase(kind);
    const standin = new TwilioStandin(ACCOUNT, { authToken: TEST_AUTH_TOKEN, apiKey: API_KEY, apiSecret: API_SECRET });
    await standin.start();
    world = { db, standin };
    use(world);
  });
  beforeEach(async () => {
    await world?.db.prisma.job.deleteMany();
  });
  afterEach(closeReceptions);
  afterAll(async () => {
    if (!world) return;
    options.beforeClose?.(world.standin);
    await world.standin.stop();
    await world.db.drop();
  });
}
