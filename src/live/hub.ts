// Live events for the dashboard over Socket.IO, on the same HTTP server. A socket
// is let in only with a staff session, joins only the rooms of the clinics its
// person belongs to, and loses them the moment that stops being true: at once for
// sign-out and removal through the API, within a minute for anything else (a
// removal from the command line, a session that ran out). With REDIS_URL, Redis
// streams carry events and those commands between instances, and let a socket
// that dropped for a moment recover the events it missed.
import type http from 'node:http';
import cookieParser from 'cookie-parser';
import { Server, type Socket } from 'socket.io';
import { cookieJar } from '../http/auth.js';
import { type ActiveSession, findSession } from '../accounts/sessions.js';
import type { DashboardMessages, HubMessages } from '../contracts/events.js';
import type { AppContext } from '../main/context.js';
import { disconnected, HEARTBEAT_MS, setLapsedAway, stillConnected } from '../reception/presence.js';
import { ringBackNextEverywhere, ringBackOnEvents } from '../reception/ring-back.js';
import { RecoverableOnlyAdapter } from './recovery-adapter.js';

export const clinicRoom = (clinicId: string) => `clinic:${clinicId}`;
const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;

const RECHECK_MS = 60_000;
const RECOVERY_MS = 2 * 60_000;

interface SocketData {
  userId: string;
  tokenHash: string;
  /** The Live screen is open on this connection: the person can answer calls through it. */
  answering?: boolean;
}

export interface LiveHub {
  io: Server;
  /** Checks every socket on this instance against the database (sessions, memberships) now. */
  recheck(): Promise<void>;
  /** Presence's beat now: connected people kept live, lapsed ones set away (it also runs every 15 s). */
  heartbeat(): Promise<void>;
  /** Resolves once the ring-back passes that events started on this instance have finished. */
  ringBackSettled(): Promise<void>;
  close(): Promise<void>;
}

function sameOrigin(req: http.IncomingMessage, publicBaseUrl: string): boolean {
  const origin = req.headers.origin;
  // Browsers always send Origin on a WebSocket or cross-origin request; other clients are not a CSRF risk.
  if (!origin) return true;
  const host = req.headers.host;
  return origin === new URL(publicBaseUrl).origin || origin === `http://${host}` || origin === `https://${host}`;
}

export async function attachLiveHub(
  server: http.Server,
  ctx: AppContext,
  options: { redisUrl?: string } = {},
): Promise<LiveHub> {
  const { prisma } = ctx.db;
  const parseCookies = cookieParser(ctx.config.sessionSecret);
  const sessionCookie = cookieJar(ctx).session;
  /** The staff session a handshake's cookie names, looked up once per request (the handshake check and the middleware share it). */
  const sessionOf = (req: http.IncomingMessage) => {
    const request = req as http.IncomingMessage & {
      signedCookies?: Record<string, unknown>;
      liveSession?: Promise<ActiveSession | null>;
    };
    request.liveSession ??= new Promise<void>((resolve) =>
      parseCookies(request as never, {} as never, () => resolve()),
    ).then(() => {
      const token = request.signedCookies?.[sessionCookie];
      return typeof token === 'string' ? findSession(prisma, token, ctx.clock()) : null;
    });
    return request.liveSession;
  };
  // Loaded only with REDIS_URL: a single instance never pays for the Redis client.
  const link = options.redisUrl
    ? await (await import('./redis-link.js')).connectRedis(options.redisUrl, ctx.logger)
    : null;
  const io = new Server<DashboardMessages, Record<string, (event: unknown) => void>, Record<string, never>, SocketData>(
    server,
    {
      serveClient: false,
      // A handshake without a live session is refused before anything is kept for it (an
      // open connection costs memory until it times out, so anyone could pile them up).
      allowRequest: (req, callback) => {
        if (!sameOrigin(req, ctx.config.publicBaseUrl)) return callback(null, false);
        sessionOf(req).then(
          (session) => callback(null, session !== null),
          () => callback(null, false),
        );
      },
      // Middlewares run again on recovery, so a recovered socket is let in only with a live session.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: false },
      adapter: link ? link.adapter : RecoverableOnlyAdapter,
    },
  );

  io.use((socket, next) => {
    sessionOf(socket.request).then(
      (session) => {
        if (!session) return next(new Error('unauthenticated'));
        socket.data.userId = session.user.id;
        socket.data.tokenHash = session.tokenHash;
        next();
      },
      () => next(new Error('unavailable')),
    );
  });

  /** Joins exactly the rooms of the clinics the person belongs to now, leaving any others. */
  async function syncRooms(socket: Socket): Promise<void> {
    const memberships = await prisma.membership.findMany({
      where: { userId: socket.data.userId },
      select: { clinicId: true },
    });
    const allowed = new Set(memberships.map((m) => clinicRoom(m.clinicId)));
    for (const room of socket.rooms) if (room.startsWith('clinic:') && !allowed.has(room)) socket.leave(room);
    socket.join([...allowed, userRoom(socket.data.userId), sessionRoom(socket.data.tokenHash)]);
  }

  /** Whether another connection on this instance still has the person's Live screen open. */
  const stillAnswering = async (userId: string) =>
    (await io.local.fetchSockets()).some((s) => s.data.userId === userId && s.data.answering);

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    // A recovered socket gets its old rooms back; syncRooms takes away any it may no longer have.
    syncRooms(socket).then(
      () => socket.emit('ready', { recovered: socket.recovered } satisfies HubMessages['ready']),
      () => socket.disconnect(true),
    );
    // The Live screen opened or closed on this connection: presence counts only open ones.
    socket.on('answering', (on, done) => {
      const was = socket.data.answering === true;
      socket.data.answering = on === true;
      const now = ctx.clock();
      const noted = socket.data.answering
        ? stillConnected(prisma, [userId], now)
        : was
          ? stillAnswering(userId).then((others) => (others ? undefined : disconnected(prisma, userId, now)))
          : Promise.resolve();
      noted.then(
        () => typeof done === 'function' && done(),
        (err) => ctx.logger.warn({ err }, 'could not note the Live screen opening or closing'),
      );
    });
    socket.on('disconnect', () => {
      if (!socket.data.answering) return;
      void (async () => {
        if (!(await stillAnswering(userId))) await disconnected(prisma, userId, ctx.clock());
      })().catch((err) => ctx.logger.warn({ err }, 'could not note a dashboard disconnecting'));
    });
  });

  ctx.meters.liveConnections(() => io.of('/').sockets.size);

  const unsubscribe = ctx.events.subscribe((event) => {
    io.to(clinicRoom(event.clinicId)).emit(event.name, event);
  });
  const ringingBack = ringBackOnEvents(ctx, (err) => ctx.logger.warn({ err }, 'could not ring the next call-back'));
  // Access taken away acts at once, on every instance (the adapter carries these commands).
  const stopActing = ctx.events.onAccessChange((change) => {
    switch (change.kind) {
      case 'session_ended':
        return io.in(sessionRoom(change.tokenHash)).disconnectSockets(true);
      case 'signed_out':
        return io.in(userRoom(change.userId)).disconnectSockets(true);
      case 'left_clinic':
        io.in(userRoom(change.userId)).socketsLeave(clinicRoom(change.clinicId));
        // Their screen of that clinic must close; their other clinics' screens carry on.
        io.to(userRoom(change.userId)).emit('clinic.left', {
          name: 'clinic.left',
          clinicId: change.clinicId,
          at: ctx.clock().toISOString(),
          data: {},
        } satisfies HubMessages['clinic.left']);
    }
  });

  async function recheck(): Promise<void> {
    const sockets = await io.local.fetchSockets();
    if (sockets.length === 0) return;
    const now = ctx.clock();
    const live = new Set(
      (
        await prisma.session.findMany({
          where: { tokenHash: { in: [...new Set(sockets.map((s) => s.data.tokenHash))] }, expiresAt: { gt: now } },
          select: { tokenHash: true },
        })
      ).map((s) => s.tokenHash),
    );
    const memberships = await prisma.membership.findMany({
      where: { userId: { in: [...new Set(sockets.map((s) => s.data.userId))] } },
      select: { userId: true, clinicId: true },
    });
    const allowed = new Set(memberships.map((m) => `${m.userId}/${clinicRoom(m.clinicId)}`));
    for (const socket of sockets) {
      if (!live.has(socket.data.tokenHash)) {
        socket.disconnect(true);
        continue;
      }
      for (const room of socket.rooms)
        if (room.startsWith('clinic:') && !allowed.has(`${socket.data.userId}/${room}`)) socket.leave(room);
    }
  }
  const timer = setInterval(
    () => void recheck().catch((err) => ctx.logger.warn({ err }, 'could not recheck live sockets')),
    RECHECK_MS,
  );
  timer.unref();

  /** The people connected here are still there; anyone marked available whose dashboard has gone is set away. */
  async function heartbeat(): Promise<void> {
    const sockets = (await io.local.fetchSockets()).filter((s) => s.data.answering);
    await stillConnected(prisma, [...new Set(sockets.map((s) => s.data.userId))], ctx.clock());
    await setLapsedAway(ctx);
    // Someone may have come free for a call-back waiting its turn, or a retry gap ended.
    await ringBackNextEverywhere(ctx);
  }
  const beat = setInterval(
    () => void heartbeat().catch((err) => ctx.logger.warn({ err }, 'could not keep presence up to date')),
    HEARTBEAT_MS,
  );
  beat.unref();

  return {
    io: io as unknown as Server,
    recheck,
    heartbeat,
    ringBackSettled: ringingBack.settled,
    close: async () => {
      clearInterval(timer);
      clearInterval(beat);
      unsubscribe();
      ringingBack.stop();
      await ringingBack.settled();
      stopActing();
      io.disconnectSockets(true);
      ctx.meters.liveConnections(() => 0);
      // The Redis adapter's own readers and timers stop with it (its blocking read ends within 2 s).
      await io.of('/').adapter.close();
      // Not io.close(): that would close the HTTP server too, which the caller owns.
      io.engine.close();
      await link?.close();
    },
  };
}
