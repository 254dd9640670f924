// How long a queued caller is likely to wait, from how this clinic has been answering
// its callers lately and how many are ahead — and when it is worth saying again. Pure:
// the queue's wait URL gives it the facts.

/** A caller this clinic answered lately: when they joined the queue and when someone picked up. */
export interface Answered {
  queuedAt: Date;
  answeredAt: Date;
}

/** Seconds to expect, or null when the clinic has answered nobody lately (then no time is said). */
export function expectedWaitSeconds(position: number, recent: Answered[]): number | null {
  const perCaller = secondsPerCaller(recent);
  return perCaller === null ? null : Math.round(perCaller * Math.max(1, position));
}

/**
 * How long reception takes per caller while callers are waiting: the typical gap between
 * two answers when the later caller was already queued before the earlier was answered
 * (a backlog being worked through). With too few such gaps, the average time recent
 * callers waited to be answered stands in; with no answers, nothing.
 */
export function secondsPerCaller(recent: Answered[]): number | null {
  if (recent.length === 0) return null;
  const byAnswer = [...recent].sort((a, b) => a.answeredAt.getTime() - b.answeredAt.getTime());
  const busyGaps: number[] = [];
  for (let i = 1; i < byAnswer.length; i++) {
    const [before, after] = [byAnswer[i - 1]!, byAnswer[i]!];
    if (after.queuedAt < before.answeredAt)
      busyGaps.push((after.answeredAt.getTime() - before.answeredAt.getTime()) / 1000);
  }
  if (busyGaps.length >= 2) return Math.max(5, median(busyGaps));
  const waits = recent.map((c) => Math.max(0, (c.answeredAt.getTime() - c.queuedAt.getTime()) / 1000));
  return Math.max(5, waits.reduce((sum, w) => sum + w, 0) / waits.length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const NUMBER_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const minutesWords = (n: number) => `${n <= 10 ? NUMBER_WORDS[n] : n} minutes`;

/**
 * The place and the wait in words that fit: "You are next in the queue. We expect to answer
 * you within a minute." Minutes are rounded (to 5 past 10), a wait longer than the caller
 * has left before the longest wait is not promised, and with no recent answers no time is
 * said at all.
 */
export function speakQueuePlace(place: {
  position: number;
  expectedSeconds: number | null;
  /** Seconds before the clinic's longest wait sends this caller to voicemail. */
  secondsLeft: number;
}): string {
  const where = place.position <= 1 ? 'You are next in the queue.' : `You are number ${place.position} in the queue.`;
  const expected = place.expectedSeconds;
  if (expected === null) return where;
  if (expected > place.secondsLeft) return `${where} It may be some time before we can answer.`;
  if (expected <= 60) return `${where} We expect to answer you within a minute.`;
  if (expected <= 150) return `${where} We expect to answer you in a minute or two.`;
  const minutes = expected <= 10 * 60 ? Math.round(expected / 60) : Math.round(expected / 300) * 5;
  return `${where} We expect to answer you in about ${minutesWords(minutes)}.`;
}

/** What was last said to a queued caller: their place, and how far into the wait. */
export interface QueueSaid {
  position: number;
  atSeconds: number;
}

/** Say the place again only when it changed, or a minute after it was last said (Twilio may loop every few seconds). */
export const SAY_AGAIN_AFTER_SECONDS = 60;

export function worthSaying(last: QueueSaid | undefined, position: number, waitedSeconds: number): boolean {
  if (!last) return true;
  return last.position !== position || waitedSeconds - last.atSeconds >= SAY_AGAIN_AFTER_SECONDS;
}
