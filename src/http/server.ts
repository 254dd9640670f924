import http from 'node:http';
import type { RequestListener } from 'node:http';

export interface ServerLimits {
  /** A client must have sent all its headers by then (slowloris). */
  headersTimeoutMs: number;
  /** …and its whole request, body included. Twilio's are small and fast. */
  requestTimeoutMs: number;
  /**
   * An idle connection is closed after this long. Behind a load balancer it must be longer
   * than the balancer's own idle timeout, else the balancer may send a request on a
   * connection this server is closing at that instant and answer its client 502.
   */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two above. */
  checkEveryMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000, // KEEP_ALIVE_SECONDS's default: above AWS ALB's and nginx's 60 s
  checkEveryMs: 1_000,
};

/** The HTTP server with limits that keep slow or stalled clients from holding connections. */
export function createHttpServer(app: RequestListener, limits: ServerLimits = SERVER_LIMITS): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    app,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}
