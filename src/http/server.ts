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

export interface HttpServer extends http.Server {
  /**
   * Stops taking connections and ends kept-alive ones as their requests are answered:
   * each answer not yet sent says `Connection: close` (so a load balancer does not send
   * another request on it), and each connection closes as soon as it is idle. Resolves
   * when every connection has closed; the caller bounds the wait (`closeAllConnections`).
   */
  closeGracefully(): Promise<void>;
}

/** The HTTP server with limits that keep slow or stalled clients from holding connections. */
export function createHttpServer(app: RequestListener, limits: ServerLimits = SERVER_LIMITS): HttpServer {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    app,
  ) as HttpServer;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Answers being made, so that a stop can tell them to close their connections.
  const answering = new Set<http.ServerResponse>();
  let closing = false;
  const lastOnItsConnection = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (closing) return lastOnItsConnection(res);
    answering.add(res);
    res.once('close', () => answering.delete(res));
  });
  server.closeGracefully = async () => {
    closing = true;
    for (const res of answering) lastOnItsConnection(res);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // An answer already on its way when the stop came still said keep-alive: its
    // connection closes once that answer is done.
    const sweep = setInterval(() => server.closeIdleConnections(), 100).unref();
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  };
  return server;
}
