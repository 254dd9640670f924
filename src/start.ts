import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { clinicOfNumber, listClinics } from './clinics/clinics.js';
import { type DemoSignIn, seedDemoClinicIfEmpty } from './demo/demo.js';
import type { ReadyConfig } from './core/config.js';
import { type AppContext, buildContext } from './main/context.js';
import { EventBus } from './core/events.js';
import { watchEventLoop } from './core/event-loop-watch.js';
import { openConfiguredDatabase } from './db/open.js';
import type { Logger } from './core/logger.js';
import { jobHandlers } from './main/jobs.js';
import { attachLiveHub } from './live/hub.js';
import { createHttpServer, SERVER_LIMITS } from './http/server.js';
import { listenForScrapes, type ScrapeListener } from './metrics/http.js';
import { JobRunner } from './jobs/runner.js';
import { schedulePeriodic } from './jobs/periodic.js';
import { scheduleReconciliation } from './recordings/reconcile.js';
import { PURGE_EVERY_MS } from './recordings/retention-rules.js';
import { scheduleClosingDays } from './statistics/jobs.js';
import { simulatorMode } from './simulator/mode.js';
import { Simulator } from './simulator/simulator.js';
import type { TwilioStandin } from './twilio-standin/server.js';
import { startTracing } from './main/tracing.js';

export const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningService {
  url: string;
  ctx: AppContext;
  demo: DemoSignIn | null;
  /** Where /metrics answers when METRICS_PORT gives it a listener of its own. */
  metricsUrl?: string;
  /** Stops accepting, lets in-flight requests finish (up to 10 s), closes the database. */
  stop(): Promise<void>;
}

/** Wiring only: database → migrations → app → listen. */
export async function startService(configured: ReadyConfig, logger: Logger): Promise<RunningService> {
  const tracing = startTracing(configured.tracing);
  const simulator = await playTwilioForTheSimulator(configured, logger);
  const config = simulator.config;
  const onTightened = (files: number) =>
    logger.warn(
      { files, dataDir: config.dataDir },
      'made files in DATA_DIR private: other users of this machine could read them',
    );
  const db = await openConfiguredDatabase(config, { holder: 'server', onTightened }).catch(async (err) => {
    await simulator.standin?.stop();
    await tracing.shutdown();
    throw err;
  });
  let scrapes: ScrapeListener | null = null;
  try {
    const applied = await db.migrate();
    logger.info(
      { applied, database: db.kind },
      applied.length ? 'applied migrations' : 'database schema is up to date',
    );
    await db.refreshStatistics(); // before any call is taken: the one time its pause costs nobody
    const ctx = buildContext({
      config,
      db,
      logger,
      events: simulator.events,
      simulator: simulator.simulator,
      simulatorOff: simulator.off,
    });
    scrapes = await scrapesOnTheirOwnPort(ctx, logger);
    if (simulator.standin && simulator.simulator)
      ringPatientsOnTheSimulator(simulator.standin, simulator.simulator, (n) => clinicOfNumber(db.prisma, n), logger);
    // Known before the first call, so Twilio's fallback URL can forward even if the database dies early.
    for (const clinic of await listClinics(db.prisma)) ctx.fallbackDirectory.remember(clinic);
    const demo =
      db.kind === 'embedded' && !config.production
        ? await seedDemoClinicIfEmpty(db.prisma, new Date(), {
            storage: ctx.recordings,
            masterKey: config.recordingsKey,
          })
        : null;
    // Every instance runs jobs; leases make each job run once.
    const jobs = new JobRunner(db, jobHandlers(ctx), { logger, leaseMs: config.jobLeaseSeconds * 1000 });
    await scheduleClosingDays(db.prisma, ctx.clock());
    await scheduleReconciliation(ctx);
    await schedulePeriodic(db.prisma, 'retention.purge', PURGE_EVERY_MS, ctx.clock());
    jobs.start();
    const stopWatching = watchEventLoop(logger);
    const server = createHttpServer(createApp(ctx), {
      ...SERVER_LIMITS,
      keepAliveTimeoutMs: config.keepAliveSeconds * 1000,
    });
    const live = await attachLiveHub(server, ctx, { redisUrl: config.redisUrl });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://localhost:${port}`;
    ctx.simulator?.listening(url);
    logger.info({ url, port, database: db.kind, simulator: Boolean(ctx.simulator) }, 'listening');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // Sockets first: an open WebSocket would hold the server open until the grace period ends.
        await live.close();
        await scrapes?.close();
        // Kept-alive connections end as their answers go, not KEEP_ALIVE_SECONDS later.
        const timer = setTimeout(() => {
          logger.warn(
            'connections still open at the end of the shutdown grace period were cut off (a request still running, or a client still sending one)',
          );
          server.closeAllConnections();
        }, SHUTDOWN_GRACE_MS - 1_000);
        await server.closeGracefully();
        clearTimeout(timer);
        await jobs.stop();
        stopWatching();
        await db.close();
        simulator.simulator?.stop();
        await simulator.standin?.stop();
        await tracing.shutdown();
        logger.info('stopped');
      })());
    return { url, ctx, demo, metricsUrl: scrapes?.url, stop };
  } catch (err) {
    await scrapes?.close();
    await db.close().catch(() => undefined);
    await simulator.standin?.stop();
    await tracing.shutdown();
    throw err;
  }
}

/** /metrics on METRICS_PORT, when it is set. */
async function scrapesOnTheirOwnPort(ctx: AppContext, logger: Logger): Promise<ScrapeListener | null> {
  const { port } = ctx.config.metrics;
  if (port === undefined || !ctx.metrics) return null;
  const scrapes = await listenForScrapes(ctx.metrics, { ...ctx.config.metrics, port });
  logger.info({ url: `${scrapes.url}/metrics` }, 'metrics listening');
  if (ctx.config.metrics.token === undefined)
    logger.warn(
      'METRICS_PORT without METRICS_TOKEN: anyone who reaches that port (other users of this machine included) reads the metrics and the failed jobs; set METRICS_TOKEN to ask for it',
    );
  return scrapes;
}

/**
 * With the simulator on and no Twilio configured, this process plays Twilio: its
 * REST API by the stand-in (recordings, queue members, texts), and an Auth Token
 * made up at start that only the server knows, so the webhooks check the
 * simulator's signatures as they would Twilio's.
 */
async function playTwilioForTheSimulator(config: ReadyConfig, logger: Logger) {
  // Made here, before the context, because the simulator publishes on it too.
  const events = new EventBus();
  const mode = simulatorMode(config);
  if (!mode.enabled) return { config, events, off: mode.reason };
  let standin: TwilioStandin | undefined;
  let twilio = config.twilio;
  if (!twilio.authToken) {
    const { TwilioStandin } = await import('./twilio-standin/server.js');
    const account = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') };
    const local = new TwilioStandin(account.accountSid, { authToken: account.authToken });
    await local.start();
    standin = local;
    twilio = { ...twilio, ...account, apiBaseUrl: local.url };
    logger.info('phone simulator on: Twilio is played by this process (no real calls, texts or recordings)');
  }
  const simulator = new Simulator(
    { accountSid: twilio.accountSid ?? `AC${'0'.repeat(32)}`, authToken: twilio.authToken! },
    config.publicBaseUrl,
    { events, recordings: standin },
  );
  // Reception's answer moves a queued caller through Twilio's REST API: here the simulator hears it.
  if (standin) standin.onDequeue = (m) => simulator.dequeue(m.queueSid, m.callSid, m.url);
  return { config: { ...config, twilio }, events, simulator, standin, off: undefined };
}

/**
 * A call the service places through the in-process stand-in (ringing a patient back)
 * rings the patient's phone on the simulator page of the clinic whose number calls.
 */
export function ringPatientsOnTheSimulator(
  standin: TwilioStandin,
  simulator: Simulator,
  clinicOf: (e164: string) => Promise<string | null>,
  logger: Pick<Logger, 'warn'>,
): void {
  standin.onOutboundCall = (placed) =>
    void clinicOf(placed.from)
      .then((clinicId) => {
        // Not one of our numbers: a real Twilio would ring the phone anyway, but no clinic's page would show it.
        if (!clinicId) return logger.warn({ from: placed.from }, 'a placed call from no clinic rings nowhere');
        simulator.ringPatient(clinicId, placed, (extra) => standin.outboundParams(placed.sid, extra));
      })
      .catch((err) => logger.warn({ err }, "could not ring the patient's phone on the simulator"));
}
