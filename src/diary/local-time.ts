import { DateTime } from 'luxon';

/** A range of wall-clock minutes on one weekday (1 = Monday … 7 = Sunday), end exclusive, 1440 = midnight. */
export interface WeeklyRange {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/**
 * Turns wall-clock minutes of one local day into instants (epoch ms). A minute
 * that does not exist that day (the spring-forward gap) is null; a minute that
 * happens twice (fall-back) is its first occurrence, so it is offered once.
 * Days without a transition — nearly all — are plain arithmetic, no luxon per minute.
 */
export class LocalDay {
  readonly date: DateTime;
  readonly weekday: number;
  private readonly base: number;
  private readonly uniform: boolean;
  private readonly nextStart: DateTime;
  private readonly cache = new Map<number, number | null>();

  // Each luxon step costs a time-zone lookup (the slot search's main cost), so a
  // day computes its own and the next day's midnight once and hands the latter on.
  constructor(date: DateTime, isStartOfDay = false) {
    this.date = isStartOfDay ? date : date.startOf('day');
    this.weekday = this.date.weekday;
    this.base = this.date.toMillis();
    const next = this.date.plus({ days: 1 });
    // A zone whose clocks change at midnight can put "midnight" at 01:00.
    this.nextStart = next.hour === 0 && next.minute === 0 ? next : next.startOf('day');
    this.uniform = this.nextStart.toMillis() - this.base === 86_400_000 && this.date.offset === this.nextStart.offset;
  }

  /** The instant of `minute` past local midnight (1440 = the next midnight), or null when that local time does not exist. */
  at(minute: number): number | null {
    if (this.uniform) return this.base + minute * 60_000;
    if (minute >= 1440) return this.nextStart.toMillis();
    let known = this.cache.get(minute);
    if (known === undefined) {
      const dt = this.date.set({ hour: Math.floor(minute / 60), minute: minute % 60 });
      known = dt.hour * 60 + dt.minute === minute && dt.day === this.date.day ? dt.toMillis() : null;
      this.cache.set(minute, known);
    }
    return known;
  }

  /** The first instant whose local time is `minute` or later (a minute in the spring-forward gap ends where the gap does). */
  atOrAfter(minute: number): number {
    for (let m = minute; m < 1440; m++) {
      const t = this.at(m);
      if (t !== null) return t;
    }
    return this.at(1440)!;
  }

  next(): LocalDay {
    return new LocalDay(this.nextStart, true);
  }
}

export const localDayOf = (instant: number | Date, timeZone: string): LocalDay =>
  new LocalDay(DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone: timeZone }));

/** "09:30" ↔ 570. */
export function parseClock(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

export const formatClock = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
