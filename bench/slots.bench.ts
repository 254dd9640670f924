// Next 20 free slots across 50 practitioners with a year of booked diary (~60,000 appointments).
import { DateTime } from 'luxon';
import { findFreeSlots, type Interval, type PractitionerDiary } from '../src/diary/slots.js';
import type { Figure } from './run.js';

const ZONE = 'Europe/London';
const START = DateTime.fromISO('2027-01-04T08:00', { zone: ZONE }); // a Monday
const hours = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, startMinute: 9 * 60, endMinute: 12 * 60 + 30 },
  { weekday, startMinute: 13 * 60 + 30, endMinute: 17 * 60 },
]);

/** A busy clinic: the first two weeks full, then about four appointments a day each, 60,000 in all. */
function bookedYear(practitioners: number, total: number): Interval[][] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const diaries: Interval[][] = Array.from({ length: practitioners }, () => []);
  const starts = (day: DateTime) =>
    hours
      .filter((h) => h.weekday === day.weekday)
      .flatMap((h) =>
        Array.from({ length: (h.endMinute - h.startMinute) / 30 }, (_, i) =>
          day.set({ hour: 0, minute: 0 }).plus({ minutes: h.startMinute + i * 30 }),
        ),
      );
  let count = 0;
  for (let d = 0; d < 365 && count < total; d++) {
    const day = START.startOf('day').plus({ days: d });
    for (let p = 0; p < practitioners && count < total; p++) {
      for (const t of starts(day)) {
        const full = d < 14;
        if (full || random() < 0.3) {
          diaries[p]!.push({ start: t.toMillis(), end: t.toMillis() + 30 * 60_000 });
          count++;
        }
      }
    }
  }
  return diaries;
}

function timeQueries(practitioners: PractitionerDiary[], runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const slots = findFreeSlots({
      timeZone: ZONE,
      now: START.toJSDate(),
      minNoticeMinutes: 120,
      horizonDays: 365,
      durationMinutes: 30,
      bufferAfterMinutes: 0,
      practitioners,
      clinicClosures: [],
      limit: 20,
    });
    times.push(performance.now() - t0);
    if (slots.length !== 20) throw new Error(`expected 20 slots, got ${slots.length}`);
  }
  return times.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function slotBenchmarks(): Promise<Figure[]> {
  const booked = bookedYear(50, 60_000);
  const total = booked.reduce((n, d) => n + d.length, 0);
  const diaries = booked.map((busy, i) => ({ id: `p${i}`, hours, busy, closures: [] }));
  const empty = booked.map((_, i) => ({ id: `p${i}`, hours, busy: [], closures: [] }));
  timeQueries(diaries, 20); // warm up
  timeQueries(empty, 20);
  const loaded = timeQueries(diaries, 300);
  const baseline = timeQueries(empty, 300);
  const label = `${total.toLocaleString('en-GB')} appointments`;
  return [
    {
      figure: `next 20 free slots, 50 practitioners, ${label}: p50`,
      value: percentile(loaded, 50),
      unit: 'ms',
      baseline: percentile(baseline, 50),
      baselineLabel: 'empty diary',
      goal: undefined,
    },
    {
      figure: `next 20 free slots, 50 practitioners, ${label}: p95`,
      value: percentile(loaded, 95),
      unit: 'ms',
      baseline: percentile(baseline, 95),
      baselineLabel: 'empty diary',
      goal: { max: 10, of: 'value' },
    },
  ];
}
