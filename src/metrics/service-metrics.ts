// The operator's metrics, one registry per app (tests run several apps in one process).
// Counters and the request histogram are this instance's; the figures read from the
// database (./database-figures.ts) are the same on every instance. Labels name routes,
// reasons and kinds, never a call, a clinic, a number or an id: an operator runs hundreds
// of clinics, and a label per caller would be a series per caller.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../core/logger.js';
import type { ApologyReason, Meters, PurgeResult, TwilioFailure } from '../core/meters.js';
import type { Database } from '../core/database.js';
import { watchDatabase } from './database-figures.js';
import { listJobs, type JobSummary } from '../jobs/admin.js';

export const PREFIX = 'clinic_line_';

// Twilio waits 15 s; the service answers the apology at 2 s, so the buckets around it are finer.
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10];

export class ServiceMetrics implements Meters {
  readonly registry = new Registry();
  /** Every request this instance answered: method, route template (Express's), status class. */
  readonly requests: Histogram<'method' | 'route' | 'status_class'>;
  private readonly apologies: Counter<'reason'>;
  private readonly twilioErrors: Counter<'operation' | 'failure'>;
  private readonly purges: Counter<'result'>;
  private countLive = () => 0;
  /** The jobs the runner gave up on, newest first: the operator's view beside the counts (GET /metrics/jobs). */
  readonly failedJobs: (filter: { kind?: string; limit: number }) => Promise<JobSummary[]>;

  constructor(deps: { db: Database; clock: () => Date; logger: Logger }) {
    this.failedJobs = (filter) => listJobs(deps.db.prisma, { ...filter, failed: true });
    const registers = [this.registry];
    this.requests = new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests answered by this instance, Twilio webhooks included (route="/twilio/…"), by route template',
      labelNames: ['method', 'route', 'status_class'],
      buckets: SECONDS,
      registers,
    });
    this.apologies = new Counter({
      name: `${PREFIX}twiml_apologies_total`,
      help: 'Callers who heard the apology: a webhook past its 2 s deadline, a webhook that failed, or Twilio using the fallback URL',
      labelNames: ['reason'],
      registers,
    });
    this.twilioErrors = new Counter({
      name: `${PREFIX}twilio_rest_errors_total`,
      help: "Requests to Twilio's REST API that failed, by method and resource, and how",
      labelNames: ['operation', 'failure'],
      registers,
    });
    this.purges = new Counter({
      name: `${PREFIX}retention_purge_runs_total`,
      help: 'Retention purge runs this instance started: done, skipped (another run held the lease) or failed',
      labelNames: ['result'],
      registers,
    });
    const live = () => this.countLive();
    new Gauge({
      name: `${PREFIX}live_connections`,
      help: "Dashboards connected to this instance's live hub (Socket.IO)",
      registers,
      collect() {
        this.set(live());
      },
    });
    const { db } = deps;
    if (db.poolUse) watchPool(this.registry, db.poolUse.bind(db));
    watchDatabase(this.registry, PREFIX, deps);
    collectDefaultMetrics({ register: this.registry });
  }

  twimlApology(reason: ApologyReason): void {
    this.apologies.inc({ reason });
  }

  twilioRestError(operation: string, failure: TwilioFailure): void {
    this.twilioErrors.inc({ operation, failure });
  }

  retentionPurge(result: PurgeResult): void {
    this.purges.inc({ result });
  }

  liveConnections(count: () => number): void {
    this.countLive = count;
  }

  /** The scrape: Prometheus's text format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The PostgreSQL pool's connections, as pg counts them, read at each scrape. */
function watchPool(registry: Registry, poolUse: NonNullable<Database['poolUse']>): void {
  new Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: "This instance's PostgreSQL connections: in use or idle",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const use = poolUse();
      this.set({ state: 'in_use' }, use.open - use.idle);
      this.set({ state: 'idle' }, use.idle);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_waiting_queries`,
    help: 'Queries on this instance waiting for a PostgreSQL connection',
    registers: [registry],
    collect() {
      this.set(poolUse().waiting);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_max_connections`,
    help: "This instance's PostgreSQL pool size",
    registers: [registry],
    collect() {
      this.set(poolUse().max);
    },
  });
}
