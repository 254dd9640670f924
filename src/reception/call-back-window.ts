// A later time today for a call-back, where the clinic allows it ("after 2 pm", "this
// afternoon"): from what the caller said to the instant the call-back may be rung from.
// The call-back keeps its caller's place; it is only passed over until then. Pure.
import { DateTime } from 'luxon';
import { PARTS_OF_DAY, type PartOfDay } from '../contracts/parts-of-day.js';
import type { TimeWish } from '../understanding/when.js';

/** Enough time before reception closes for a call-back to be worth promising. */
export const WINDOW_BEFORE_CLOSE_MS = 15 * 60_000;

export type WindowAnswer =
  /** Ring as soon as a receptionist is free (1, "as soon as possible", a time already past). */
  | { kind: 'now' }
  /** Not before this instant. */
  | { kind: 'from'; notBefore: Date }
  /** Too close to reception closing, or after it. */
  | { kind: 'too-late' }
  | { kind: 'unclear' };

/**
 * What an answer to "when would suit you?" asks for, today in the clinic's zone: a time
 * said "after", "at" or "around" starts the window there ("before 3" is as soon as we can);
 * a part of the day starts where the part starts.
 */
export function callBackWindow(
  heard: { digits?: string; soon?: boolean; time?: TimeWish; partOfDay?: PartOfDay },
  context: { now: Date; timeZone: string; closesAt: Date | null },
): WindowAnswer {
  if (heard.digits === '1' || heard.soon) return { kind: 'now' };
  let minutes: number | undefined;
  if (heard.time) {
    if (heard.time.relation === 'before') return { kind: 'now' };
    minutes = heard.time.minutes;
  } else if (heard.partOfDay) minutes = PARTS_OF_DAY[heard.partOfDay].from;
  if (minutes === undefined) return { kind: 'unclear' };
  // By the wall clock, so a clock change that day moves nothing.
  const from = DateTime.fromJSDate(context.now, { zone: context.timeZone })
    .set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 })
    .toJSDate();
  if (from.getTime() <= context.now.getTime()) return { kind: 'now' };
  if (!context.closesAt || from.getTime() > context.closesAt.getTime() - WINDOW_BEFORE_CLOSE_MS)
    return { kind: 'too-late' };
  return { kind: 'from', notBefore: from };
}
