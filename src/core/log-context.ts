// What a log line is about, without passing it down every call: the request or the job
// being worked on when the line was written. The logger adds it to every line (see
// createLogger), so an error logged deep inside a webhook or a job names the request
// (as its X-Request-Id answer header does) or the job (as `jobs:list` shows it).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  requestId?: string;
  jobId?: string;
  jobKind?: string;
}

const current = new AsyncLocalStorage<LogContext>();

/** Runs `work` (and everything it starts) as part of this request or job. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return current.run({ ...current.getStore(), ...context }, work);
}

/** The request or job the caller is part of, if any. */
export function logContext(): LogContext | undefined {
  return current.getStore();
}
