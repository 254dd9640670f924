// The calendar's geometry as pure functions: where each appointment, closure and free
// gap sits on a column's time axis. Positions are the clinic's wall-clock minutes, not
// elapsed time from midnight, so 09:00 is level with 09:00 on every day of a week with a
// clock change (the bug react-big-calendar's week view has). No DOM here: unit-tested.

/** Minutes after the clinic's local midnight, [from, to). */
export interface Span {
  from: number;
  to: number;
}

export interface Placed<T> extends Span {
  item: T;
  /** Side by side when they overlap: this one's lane and how many lanes its cluster has. */
  lane: number;
  lanes: number;
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

const QUARTER = 15 * 60_000;
const quarters = new Map<string, { date: string; minute: number }>();

/**
 * The clinic's local date and minute of the day for an instant. Every zone's offset is a
 * whole number of quarter hours and changes on a quarter hour, so the wall clock is read
 * once per quarter hour (cached) and the minutes inside it added: a day of 1,000
 * appointments costs a few hundred time-zone lookups, not thousands.
 */
export function wallClock(iso: string | number, timeZone: string): { date: string; minute: number } {
  const t = typeof iso === 'number' ? iso : new Date(iso).getTime();
  const start = Math.floor(t / QUARTER) * QUARTER;
  const key = `${timeZone} ${start}`;
  let wall = quarters.get(key);
  if (!wall) {
    if (quarters.size > 20_000) quarters.clear();
    wall = readWallClock(start, timeZone);
    quarters.set(key, wall);
  }
  return { date: wall.date, minute: wall.minute + Math.floor((t - start) / 60_000) };
}

function readWallClock(t: number, timeZone: string): { date: string; minute: number } {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormat.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/**
 * Where an instant range falls on local date `date`: clipped to that day (a closure
 * over several days covers each whole), null when it misses the day.
 */
export function spanOn(date: string, startsAt: string, endsAt: string, timeZone: string): Span | null {
  const start = wallClock(startsAt, timeZone);
  const end = wallClock(endsAt, timeZone);
  if (end.date < date || (end.date === date && end.minute === 0) || start.date > date) return null;
  const from = start.date < date ? 0 : start.minute;
  const to = end.date > date ? 24 * 60 : end.minute;
  // The repeated hour of a fall-back day can put a short end before its start: keep it visible.
  return { from, to: Math.max(to, from + 5) };
}

/** Overlapping items side by side: each cluster of overlaps shares its lanes, first come leftmost. */
export function placeInLanes<T>(items: Array<Span & { item: T }>): Array<Placed<T>> {
  const sorted = [...items].sort((a, b) => a.from - b.from || b.to - a.to);
  const placed: Array<Placed<T>> = [];
  let cluster: Array<Placed<T>> = [];
  let clusterEnd = -1;
  const close = () => {
    const lanes = Math.max(1, ...cluster.map((p) => p.lane + 1));
    for (const p of cluster) p.lanes = lanes;
    cluster = [];
  };
  for (const s of sorted) {
    if (s.from >= clusterEnd) close();
    const laneEnds = new Map<number, number>();
    for (const p of cluster) laneEnds.set(p.lane, Math.max(laneEnds.get(p.lane) ?? 0, p.to));
    let lane = 0;
    while ((laneEnds.get(lane) ?? -1) > s.from) lane++;
    const p = { ...s, lane, lanes: 1 };
    cluster.push(p);
    placed.push(p);
    clusterEnd = Math.max(clusterEnd, s.to);
  }
  close();
  return placed;
}

/** Working time left free: `working` minus everything in `taken`, from `notBefore` on, gaps shorter than `minimum` dropped. */
export function freeGaps(working: Span[], taken: Span[], notBefore = 0, minimum = 15): Span[] {
  const blocks = [...taken].sort((a, b) => a.from - b.from);
  const gaps: Span[] = [];
  for (const w of [...working].sort((a, b) => a.from - b.from)) {
    let cursor = Math.max(w.from, notBefore);
    for (const b of blocks) {
      if (b.to <= cursor || b.from >= w.to) continue;
      if (b.from > cursor) gaps.push({ from: cursor, to: Math.min(b.from, w.to) });
      cursor = Math.max(cursor, b.to);
    }
    if (cursor < w.to) gaps.push({ from: cursor, to: w.to });
  }
  return gaps.filter((g) => g.to - g.from >= minimum);
}

/** The hours the axis shows: whole hours around everyone's working time and appointments, 08:00–18:00 when there are none. */
export function axisHours(spans: Span[]): Span {
  if (spans.length === 0) return { from: 8 * 60, to: 18 * 60 };
  const from = Math.min(...spans.map((s) => s.from));
  const to = Math.max(...spans.map((s) => s.to));
  return { from: Math.floor(from / 60) * 60, to: Math.min(24 * 60, Math.ceil(to / 60) * 60) };
}

/** The minute under a point `offset` pixels down a column, snapped to `step` minutes and kept on the axis. */
export function minuteAt(offset: number, axis: Span, pixelsPerMinute: number, step = 15): number {
  const raw = axis.from + offset / pixelsPerMinute;
  const snapped = Math.round(raw / step) * step;
  return Math.min(axis.to - step, Math.max(axis.from, snapped));
}

/** "09:30". */
export const clockText = (minute: number) =>
  `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The seven local dates of the week (Monday first) holding `date`. */
export function weekOf(date: string): string[] {
  const d = new Date(`${date}T12:00:00Z`);
  const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000);
  return Array.from({ length: 7 }, (_, i) => new Date(monday.getTime() + i * 86_400_000).toISOString().slice(0, 10));
}

/** `date` moved by `days` (local dates, no time zone involved). */
export const addDays = (date: string, days: number) =>
  new Date(new Date(`${date}T12:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The instant (ISO) at which the clinic's clock reads `minute` on `date`. A time the
 * spring change skips comes out an hour on, as the clock would read; a repeated
 * autumn time is its first occurrence.
 */
export function instantAt(date: string, minute: number, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, Math.floor(minute / 60), minute % 60);
  const offsetAt = (t: number) => {
    const wall = wallClock(t, timeZone);
    const [wy, wm, wd] = wall.date.split('-').map(Number) as [number, number, number];
    return Date.UTC(wy, wm - 1, wd, Math.floor(wall.minute / 60), wall.minute % 60) - Math.floor(t / 60_000) * 60_000;
  };
  // Try the offsets in force an hour either side: the earlier instant that reads right wins.
  const candidates = [offsetAt(asUtc - 3_600_000), offsetAt(asUtc + 3_600_000)].map((offset) => asUtc - offset);
  const exact = candidates.filter((t) => {
    const wall = wallClock(t, timeZone);
    return wall.date === date && wall.minute === minute;
  });
  return new Date(exact.length ? Math.min(...exact) : Math.max(...candidates)).toISOString();
}
