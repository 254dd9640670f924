// Is reception open, and when does it next open? Pure, in the clinic's local time.
import { type Interval, IntervalSet } from './slots.js';
import { localDayOf, type WeeklyRange } from './local-time.js';

export interface ReceptionHours {
  timeZone: string;
  hours: WeeklyRange[];
  /** Whole-clinic closures (bank holidays). */
  closures: Interval[];
}

/** Whether reception is open at this instant: inside a range by the wall clock, outside every closure. */
export function isOpenAt(at: Date, r: ReceptionHours): boolean {
  return openIntervals(r, at.getTime(), 1).some((iv) => iv.start <= at.getTime() && at.getTime() < iv.end);
}

/** The next instant reception opens after `at` (now, if open now), within `withinDays`; null when it never does. */
export function nextOpening(at: Date, r: ReceptionHours, withinDays = 60): Date | null {
  const t = at.getTime();
  for (const iv of openIntervals(r, t, withinDays)) {
    if (iv.end > t) return new Date(Math.max(iv.start, t));
  }
  return null;
}

/**
 * When reception closes for the day, if it is open at `at` (the end of the day's last
 * hours, a lunch break notwithstanding); null when it is closed now.
 */
export function closesForTheDay(at: Date, r: ReceptionHours): Date | null {
  const t = at.getTime();
  const today = openIntervals(r, t, 0);
  if (!today.some((iv) => iv.start <= t && t < iv.end)) return null;
  return new Date(Math.max(...today.map((iv) => iv.end)));
}

/** Reception's open intervals from the local day of `from` for `days` days, closures cut out, in order. */
function openIntervals(r: ReceptionHours, from: number, days: number): Interval[] {
  const closures = [...r.closures].sort((a, b) => a.start - b.start);
  const closed = new IntervalSet(closures);
  const out: Interval[] = [];
  let day = localDayOf(from, r.timeZone);
  for (let d = 0; d <= days; d++, day = day.next()) {
    for (const h of r.hours.filter((x) => x.weekday === day.weekday).sort((a, b) => a.startMinute - b.startMinute)) {
      const start = day.atOrAfter(h.startMinute);
      const end = day.atOrAfter(h.endMinute);
      if (end <= start) continue;
      if (!closed.overlaps(start, end)) {
        out.push({ start, end });
        continue;
      }
      // Cut the closures out of the range, keeping what is left.
      let cursor = start;
      for (const c of closures) {
        if (c.end <= cursor || c.start >= end) continue;
        if (c.start > cursor) out.push({ start: cursor, end: c.start });
        cursor = Math.max(cursor, c.end);
      }
      if (cursor < end) out.push({ start: cursor, end });
    }
  }
  return out;
}
