// Everything in this process shares one event loop: a call's webhook, a report, and —
// with the embedded database — every query, which runs inside the process. Whatever
// holds the loop for long holds up the phone line (Twilio waits at most 15 s; the
// service's own apology is due after 2). This watch says so in the logs when it happens.
import type { Logger } from './logger.js';

const TICK_MS = 50;
/** Held longer than this, the loop is reported: a caller would notice soon after. */
export const STALL_WARN_MS = 250;

/** Logs `event loop stalled` with how long, whenever a tick comes more than STALL_WARN_MS late. Returns a stop function. */
export function watchEventLoop(logger: Logger): () => void {
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    if (late > STALL_WARN_MS) logger.warn({ stalledMs: Math.round(late) }, 'event loop stalled');
    last = now;
  }, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
