// The call statistics an owner reads every Monday, as pure arithmetic over call
// facts. A day's totals are counts and sums only, so any period's figures are exact
// sums of days and nothing in them names a caller.
import { DateTime } from 'luxon';
import type { DayTotals, StatisticsFigures } from '../contracts/api.js';
import { addCall, emptyCbtDay, sumCbt } from './nhs-telephony.js';

export type { DayTotals };

/** What a call row contributes; nothing personal. */
export interface CallFacts {
  startedAt: Date;
  direction: string;
  outcome: string | null;
  /** When the caller asked for a person (queue, desk phone or straight to voicemail), in reception hours. */
  queuedAt: Date | null;
  answeredAt: Date | null;
  queueStatus: string | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  /** The caller said an urgent phrase (the call's timeline has an `urgent` event). */
  urgent?: boolean;
}

export interface CallBackFacts {
  createdAt: Date;
  doneAt: Date | null;
}

/** NHS England's targets for GP practices' telephony. */
export const TARGETS = { answeredWithin20s: 0.8, abandonment: 0.05 } as const;
export const ANSWER_WITHIN_SECONDS = 20;

export const COUNTERS = [
  'calls',
  'askedForReception',
  'answered',
  'answeredWithin20s',
  'answerSecondsTotal',
  'longestAnswerSeconds',
  'abandoned',
  'abandonedWaitSecondsTotal',
  'abandonedWaitCount',
  'voicemails',
  'booked',
  'moved',
  'cancelled',
  'outOfHours',
  'callBacksRequested',
  'callBacksMade',
  'callSecondsTotal',
  'callSecondsCount',
  'urgent',
] as const satisfies ReadonlyArray<keyof DayTotals>;

export const emptyTotals = (): DayTotals => ({
  callsByHour: Array<number>(24).fill(0),
  ...(Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Omit<DayTotals, 'callsByHour' | 'cbt'>),
  cbt: emptyCbtDay(),
});

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
const within = (at: Date | null, from: Date, to: Date) => at !== null && at >= from && at < to;

/**
 * One local day's totals. `calls` are those that started in [from, to); call-backs
 * count as requested on the day they were put on the list and as made on the day
 * they were marked done. Outgoing calls (staff ringing back) are not incoming calls.
 */
export function tallyDay(
  calls: CallFacts[],
  callBacks: CallBackFacts[],
  day: { from: Date; to: Date; timeZone: string },
): DayTotals {
  const t = emptyTotals();
  for (const c of calls) {
    if (c.direction !== 'inbound' || !within(c.startedAt, day.from, day.to)) continue;
    t.calls++;
    t.callsByHour[DateTime.fromJSDate(c.startedAt, { zone: day.timeZone }).hour]!++;
    addCall(t.cbt!, c, day.timeZone);
    if (c.durationSeconds !== null) {
      t.callSecondsTotal += c.durationSeconds;
      t.callSecondsCount++;
    }
    if (c.outcome === 'voicemail') t.voicemails++;
    if (c.outcome === 'booked') t.booked++;
    if (c.outcome === 'moved') t.moved++;
    if (c.outcome === 'cancelled') t.cancelled++;
    if (c.outcome === 'out_of_hours') t.outOfHours++;
    if (c.urgent) t.urgent++;
    if (!c.queuedAt) continue;
    t.askedForReception++;
    if (c.queueStatus === 'answered' && c.answeredAt) {
      const wait = seconds(c.queuedAt, c.answeredAt);
      t.answered++;
      t.answerSecondsTotal += wait;
      t.longestAnswerSeconds = Math.max(t.longestAnswerSeconds, wait);
      if (wait <= ANSWER_WITHIN_SECONDS) t.answeredWithin20s++;
    } else if (c.outcome === 'abandoned') {
      t.abandoned++;
      if (c.endedAt) {
        t.abandonedWaitSecondsTotal += seconds(c.queuedAt, c.endedAt);
        t.abandonedWaitCount++;
      }
    }
  }
  for (const b of callBacks) {
    if (within(b.createdAt, day.from, day.to)) t.callBacksRequested++;
    if (within(b.doneAt, day.from, day.to)) t.callBacksMade++;
  }
  return t;
}

/** A period's totals: the sum of its days (the longest wait is the longest of any day). */
export function sumTotals(days: DayTotals[]): DayTotals {
  const t = emptyTotals();
  for (const d of days) {
    for (const k of COUNTERS) t[k] = k === 'longestAnswerSeconds' ? Math.max(t[k], d[k]) : t[k] + d[k];
    d.callsByHour.forEach((n, hour) => (t.callsByHour[hour]! += n));
  }
  // The NHS figures only when every day has them (a day kept before they were counted has none).
  t.cbt = days.every((d) => d.cbt) ? sumCbt(days.map((d) => d.cbt!)) : null;
  return t;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const average = (total: number, count: number) => (count === 0 ? null : Math.round(total / count));

/** The figures drawn from totals: rates against NHS England's targets and averages in whole seconds (null when nothing to measure). */
export function figuresOf(t: DayTotals): Omit<StatisticsFigures, keyof DayTotals> {
  return {
    answeredWithin20sRate: ratio(t.answeredWithin20s, t.askedForReception),
    abandonmentRate: ratio(t.abandoned, t.askedForReception),
    averageAnswerSeconds: average(t.answerSecondsTotal, t.answered),
    averageAbandonedWaitSeconds: average(t.abandonedWaitSecondsTotal, t.abandonedWaitCount),
    averageCallSeconds: average(t.callSecondsTotal, t.callSecondsCount),
    bookedOrChanged: t.booked + t.moved + t.cancelled,
  };
}
