// Free slots: a pure function of hours, closures, appointments and rules. No I/O,
// no clock of its own: `now` and the time zone come in as arguments.
import { type LocalDay, localDayOf, type WeeklyRange } from './local-time.js';
import type { MinuteWindow } from '../contracts/parts-of-day.js';

/** Half-open [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export interface PractitionerDiary {
  id: string;
  hours: WeeklyRange[];
  /** Live appointments, each from its start to the end of its buffer. */
  busy: Interval[];
  /** This practitioner's own closures (leave), any order. */
  closures: Interval[];
}

export interface SlotQuery {
  timeZone: string;
  now: Date;
  minNoticeMinutes: number;
  horizonDays: number;
  durationMinutes: number;
  bufferAfterMinutes: number;
  /** In order of preference: ties at the same time go to the earlier one. */
  practitioners: PractitionerDiary[];
  clinicClosures: Interval[];
  limit: number;
  /** Slots start on this grid of local wall-clock minutes from the start of a working range. */
  stepMinutes?: number;
  /** Only slots starting at or after this instant ("later times, please"). */
  after?: Date;
  /** Only slots starting before this instant ("on Tuesday"). */
  before?: Date;
  /** Only slots starting within this window of the local day ("in the afternoon"). */
  minutes?: MinuteWindow;
}

export interface Slot {
  practitionerId: string;
  startsAt: Date;
  endsAt: Date;
}

const MINUTE = 60_000;

/** The next `limit` free slots, earliest first. */
export function findFreeSlots(q: SlotQuery): Slot[] {
  const step = q.stepMinutes ?? 15;
  const duration = q.durationMinutes * MINUTE;
  const blockedFor = duration + q.bufferAfterMinutes * MINUTE;
  const earliest = Math.max(q.now.getTime() + q.minNoticeMinutes * MINUTE, q.after?.getTime() ?? -Infinity);
  const latest = Math.min(q.now.getTime() + q.horizonDays * 86_400_000, q.before?.getTime() ?? Infinity);
  const window = q.minutes ?? { from: 0, to: 24 * 60 };
  const clinicClosures = new IntervalSet(q.clinicClosures);
  const diaries = q.practitioners.map((p) => ({
    id: p.id,
    busy: new IntervalSet(p.busy),
    closures: new IntervalSet(p.closures),
    hoursByDay: groupByWeekday(p.hours),
  }));
  const found: Slot[] = [];
  if (q.limit <= 0 || earliest >= latest) return found;

  for (
    let day: LocalDay = localDayOf(earliest, q.timeZone);
    (day.at(0) ?? day.atOrAfter(0)) < latest;
    day = day.next()
  ) {
    const today: Array<Slot & { rank: number }> = [];
    diaries.forEach((p, rank) => {
      const seen = new Set<number>();
      for (const range of p.hoursByDay[day.weekday] ?? []) {
        const rangeEnd = day.atOrAfter(range.endMinute);
        for (let m = range.startMinute; m < range.endMinute; m += step) {
          if (m < window.from || m >= window.to) continue;
          const start = day.at(m);
          if (start === null || start < earliest) continue;
          if (start >= latest) break;
          // The range lasts until the clock first reads its end: on a fall-back day that includes the repeated hour.
          if (start + duration > rangeEnd) break;
          if (seen.has(start)) continue; // overlapping ranges on one day must not offer a time twice
          seen.add(start);
          if (
            p.busy.overlaps(start, start + blockedFor) ||
            p.closures.overlaps(start, start + duration) ||
            clinicClosures.overlaps(start, start + duration)
          )
            continue;
          today.push({ practitionerId: p.id, startsAt: new Date(start), endsAt: new Date(start + duration), rank });
        }
      }
    });
    today.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.rank - b.rank);
    for (const { rank: _rank, ...slot } of today) {
      found.push(slot);
      if (found.length === q.limit) return found;
    }
  }
  return found;
}

function groupByWeekday(hours: WeeklyRange[]): Record<number, WeeklyRange[]> {
  const out: Record<number, WeeklyRange[]> = {};
  for (const h of [...hours].sort((a, b) => a.startMinute - b.startMinute)) (out[h.weekday] ??= []).push(h);
  return out;
}

/**
 * Intervals prepared for "does [start, end) meet any of them?" in O(log n): sorted
 * by start, with the running maximum of their ends, so overlapping intervals (nested
 * closures, say) are answered exactly too.
 */
export class IntervalSet {
  private readonly starts: Float64Array;
  private readonly maxEnds: Float64Array;

  constructor(intervals: Interval[]) {
    // Callers usually pass them ordered (the database does); sort only when not.
    let ordered = true;
    for (let i = 1; i < intervals.length && ordered; i++) ordered = intervals[i - 1]!.start <= intervals[i]!.start;
    const sorted = ordered ? intervals : [...intervals].sort((a, b) => a.start - b.start);
    this.starts = new Float64Array(sorted.length);
    this.maxEnds = new Float64Array(sorted.length);
    let max = -Infinity;
    for (let i = 0; i < sorted.length; i++) {
      this.starts[i] = sorted[i]!.start;
      this.maxEnds[i] = max = Math.max(max, sorted[i]!.end);
    }
  }

  overlaps(start: number, end: number): boolean {
    // The intervals starting before `end`; one of them reaches past `start` iff their largest end does.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.maxEnds[lo - 1]! > start;
  }
}
