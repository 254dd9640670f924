// The Redis side of the live hub, for several instances (REDIS_URL): the client,
// kept alive through Redis outages, and the streams adapter that carries events
// between instances. Its own module so that a single instance never loads Redis.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import type { Logger } from '../core/logger.js';

type AdapterFactory = ReturnType<typeof createAdapter>;
type Adapter = ReturnType<AdapterFactory>;

export interface RedisLink {
  adapter: AdapterFactory;
  close(): Promise<void>;
}

/** Connects (waiting at most 5 s: calls must be answered even when Redis is down) and builds the adapter. */
export async function connectRedis(url: string, logger: Logger): Promise<RedisLink> {
  // A connection that goes silent (a network that drops packets rather than refusing) is
  // closed after 15 s and reopened: the pings keep a healthy one talking, including the
  // adapter's blocking reader (2 s reads), which inherits these options.
  const redis = createClient({ url, pingInterval: 5_000, socket: { socketTimeout: 15_000, connectTimeout: 5_000 } });
  // The adapter disconnects its own copies of the client when it closes, without a
  // catch: one that Redis's absence already closed would reject unhandled.
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<typeof duplicate>) => {
    const copy = duplicate(...args);
    const disconnect = copy.disconnect.bind(copy);
    copy.disconnect = () => (copy.isOpen ? disconnect() : Promise.resolve());
    return copy;
  }) as typeof redis.duplicate;
  // Redis going away must not take the process with it: this instance keeps serving its own sockets.
  redis.on('error', (err) =>
    logger.warn({ err: (err as Error).message }, 'Redis error; live events between instances paused'),
  );
  // Start without it if need be and let the client keep trying.
  const connecting = redis.connect().catch(() => undefined);
  const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
  if ((await Promise.race([connecting.then(() => 'connected'), timeout])) !== 'connected')
    logger.error('could not reach Redis at start-up; live events stay on this instance until it answers');
  return {
    adapter: localWhenRedisIsDown(redis, createAdapter(redis, { maxLen: 100_000, blockTimeInMs: 2_000 })),
    close: async () => {
      if (redis.isOpen) await redis.quit().catch(() => undefined);
    },
  };
}

/**
 * The streams adapter delivers an event to this instance's own sockets only after
 * Redis has taken it, so with Redis gone every dashboard would go quiet. While the
 * client is not connected, events (and room changes, disconnections) stay local:
 * this instance's sockets hear its events, the others catch up when Redis is back
 * (and the dashboards refetch on reconnecting).
 */
function localWhenRedisIsDown(redis: { isReady: boolean }, make: AdapterFactory): AdapterFactory {
  type Options = { flags?: Record<string, unknown> };
  const local = (options: Options): Options =>
    redis.isReady ? options : { ...options, flags: { ...options.flags, local: true } };
  // A plain function: Socket.IO calls the factory with `new`.
  return function (this: unknown, nsp: Parameters<AdapterFactory>[0]) {
    const adapter = make(nsp) as unknown as Record<string, (...args: unknown[]) => unknown>;
    const broadcast = adapter.broadcast!.bind(adapter);
    adapter.broadcast = (packet, options) => broadcast(packet, local(options as Options));
    for (const method of ['addSockets', 'delSockets', 'disconnectSockets']) {
      const original = adapter[method]!.bind(adapter);
      adapter[method] = (options, ...rest) => original(local(options as Options), ...rest);
    }
    return adapter as unknown as Adapter;
  } as unknown as AdapterFactory;
}
