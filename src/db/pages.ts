// Reading a lot (a report, an export) a page at a time. Everything in this process
// shares one event loop with the phone line: on the embedded database each query runs
// inside it, and on any database turning rows into objects, JSON, CSV or a zip does.
// So a page's size adapts to keep the loop's busy time per page near PAGE_TARGET_MS
// (measured as event-loop utilisation, so a server busy with calls slows reports down,
// not the other way round), and other work runs between pages.
import { performance } from 'node:perf_hooks';
import { breathe } from './breathe.js';

// A call's webhook that arrives during a page waits for it: at 20 ms, two owners' reports
// put PostgreSQL calls at 2.3–5× their idle p99 (npm run bench); at 5 ms, 1.7–2.1×, and
// the reports took no longer.
export const PAGE_TARGET_MS = 5;
const MIN_ROWS = 50;
const MAX_ROWS = 2_000;

/**
 * Pages of `read(after, take)` — `after` is the last row of the previous page, undefined
 * first — until a page comes back short.
 */
export async function* inPages<T>(
  read: (after: T | undefined, take: number) => Promise<T[]>,
  firstTake = 100,
): AsyncGenerator<T[]> {
  let take = firstTake;
  for (let after: T | undefined; ;) {
    const before = performance.eventLoopUtilization();
    const page = await read(after, take);
    if (page.length > 0) yield page;
    // Reading the page and its reader's work on it, as time the event loop was busy.
    const busyMs = performance.eventLoopUtilization(before).active;
    await breathe();
    if (page.length < take) return;
    after = page.at(-1);
    take =
      busyMs > PAGE_TARGET_MS
        ? Math.max(MIN_ROWS, Math.floor(take / 2))
        : busyMs < PAGE_TARGET_MS / 3
          ? Math.min(MAX_ROWS, take * 2)
          : take;
  }
}
