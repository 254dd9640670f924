// Whom a receptionist who has just become free serves next: the callers waiting on the
// line and the call-backs asked for from the queue, in one order — the time each caller
// first joined the queue. A call-back keeps its caller's place: it is never dialled while
// an earlier live caller waits, and a later caller never passes it — unless it cannot be
// served now (waiting out a retry gap, or a window the patient chose, "after 2 pm").
// Pure: the queue (src/reception/queue.ts) and the call-back dialler give it the facts.

export interface Waiting {
  id: string;
  /** A caller on the line, or a call-back to ring. */
  kind: 'caller' | 'call-back';
  /** When the caller first joined the queue (a call-back keeps its caller's). */
  joinedAt: Date;
  /** Not before this (a retry gap, a chosen window); null: now. */
  notBefore: Date | null;
  /** Someone is already serving it (a claim on the caller, a reservation for the call-back). */
  taken: boolean;
}

/** Whether an entry can be served at `now`. */
export const servableNow = (w: Waiting, now: Date): boolean => !w.taken && (w.notBefore === null || w.notBefore <= now);

/** The next to serve at `now`: the earliest joined of those that can be served now, ties by id; null if none. */
export function nextToServe<W extends Waiting>(waiting: readonly W[], now: Date): W | null {
  let best: W | null = null;
  for (const w of waiting) {
    if (!servableNow(w, now)) continue;
    if (
      !best ||
      w.joinedAt.getTime() < best.joinedAt.getTime() ||
      (w.joinedAt.getTime() === best.joinedAt.getTime() && w.id < best.id)
    )
      best = w;
  }
  return best;
}

/** Where the next ring-back attempt may go after one that was not answered: later by the gap, or to the call-back list. */
export function afterUnanswered(
  attemptsMade: number,
  rules: { maxAttempts: number; retryGapMinutes: number },
  now: Date,
): { retryAt: Date } | 'list' {
  if (attemptsMade >= rules.maxAttempts) return 'list';
  return { retryAt: new Date(now.getTime() + rules.retryGapMinutes * 60_000) };
}
