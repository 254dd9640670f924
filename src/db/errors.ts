/** The PostgreSQL SQLSTATE behind a Prisma error raised through a driver adapter, if any. */
export function sqlState(err: unknown): string | undefined {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } })?.meta
    ?.driverAdapterError?.cause;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
}

export const EXCLUSION_VIOLATION = '23P01';
export const UNIQUE_VIOLATION = '23505';

/** A deadlock or serialization failure: PostgreSQL aborted this transaction so another could finish; running it again is safe. */
export const isConflictRetry = (err: unknown): boolean =>
  (err as { code?: string })?.code === 'P2034' || ['40P01', '40001'].includes(sqlState(err) ?? '');
