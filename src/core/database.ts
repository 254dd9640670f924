// The service's database as the rest of the code sees it, whichever kind runs (src/db
// opens them): one Prisma client, plain SQL for hot paths, and what start-up needs.
import type { PrismaClient } from '../generated/prisma/client.js';

export type Prisma = PrismaClient;

export type SqlQuery = string | { name: string; text: string };

/** The service's database, whichever kind: one Prisma client plus what start-up and shutdown need. */
export interface Database {
  readonly kind: 'embedded' | 'postgres';
  readonly prisma: PrismaClient;
  /**
   * Plain SQL straight through the driver, for the few hot paths where Prisma's
   * per-query cost shows (a call's first webhook). Same rows on both kinds:
   * timestamps are read and written as UTC, as Prisma stores them. A named query is
   * prepared once per connection on PostgreSQL (planning a CTE costs more than running it).
   */
  sql<T>(query: SqlQuery, values?: unknown[]): Promise<T[]>;
  /** Applies pending migrations, once across instances starting together. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  /**
   * Refreshes the planner's statistics where nothing else does: PostgreSQL's autovacuum
   * keeps them, but the embedded database has no background workers, and without them
   * it plans a report's page as a scan of the whole clinic (measured: 150–300 ms a page
   * instead of 40). Table by table, sampling lightly, other work running in between.
   */
  refreshStatistics(): Promise<void>;
  /** The connection pool's use now (PostgreSQL only: the embedded database has no pool). */
  poolUse?(): PoolUse;
  close(): Promise<void>;
}

export interface PoolUse {
  /** Connections open, and of those idle. */
  open: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}
