// NHS England's cloud-based telephony statistics for general practice ("Cloud Based
// Telephony Data in General Practice"): every inbound call in exactly one class, by the
// time band it started in, with answered and missed calls by wait and answered calls by
// duration. Pure arithmetic over the same call facts as the owner's own statistics.
import { DateTime } from 'luxon';
import type { CbtDay } from '../contracts/api.js';
import type { CallFacts } from './tally.js';

export type { CbtDay };

/**
 * CBT002 ended in the phone menu (self-service, hours, out-of-hours messages), CBT003
 * answered by a person, CBT004 missed (expected a person and not answered, voicemail
 * included), CBT005 asked to be called back from the queue. CBT001 is their sum.
 */
export type CbtClass = 'CBT002' | 'CBT003' | 'CBT004' | 'CBT005';
export const CBT_CLASSES: readonly CbtClass[] = ['CBT002', 'CBT003', 'CBT004', 'CBT005'];

/**
 * NHS England's time-of-day bands for CBT001 (the publication's "Time_Category"), as
 * local start minutes. Published as 2-hourly bands with 18:00–18:29 and 18:30–23:59 split
 * at the end of core hours (8am–6.30pm); named in README as NHS_TIME_BANDS.
 */
export const NHS_TIME_BANDS = [
  { label: '00:00 - 05:59', from: 0 },
  { label: '06:00 - 07:59', from: 6 * 60 },
  { label: '08:00 - 09:59', from: 8 * 60 },
  { label: '10:00 - 11:59', from: 10 * 60 },
  { label: '12:00 - 13:59', from: 12 * 60 },
  { label: '14:00 - 15:59', from: 14 * 60 },
  { label: '16:00 - 17:59', from: 16 * 60 },
  { label: '18:00 - 18:29', from: 18 * 60 },
  { label: '18:30 - 23:59', from: 18 * 60 + 30 },
] as const;

/** The publication's wait buckets for answered (and missed) calls, upper bounds in seconds, the last open-ended. */
export const NHS_WAIT_BUCKETS = [
  { label: 'Within 1 minute', upTo: 60 },
  { label: '1 to 2 minutes', upTo: 120 },
  { label: '2 to 5 minutes', upTo: 300 },
  { label: 'Over 5 minutes', upTo: Infinity },
] as const;

/** The publication's duration buckets for answered calls (CBT007). */
export const NHS_DURATION_BUCKETS = [
  { label: '1 minute or less', upTo: 60 },
  { label: '1 to 2 minutes', upTo: 120 },
  { label: '2 to 5 minutes', upTo: 300 },
  { label: 'Over 5 minutes', upTo: Infinity },
] as const;

/** What a call contributes to the NHS figures (the owner's statistics' facts): nothing personal. */
export type NhsCallFacts = Pick<
  CallFacts,
  'startedAt' | 'direction' | 'outcome' | 'queuedAt' | 'answeredAt' | 'queueStatus' | 'endedAt'
>;

/**
 * The one class of an inbound call (null for calls the clinic made). Answered by a person
 * (in the browser or at the desk after pressing 1) is CBT003; a call-back asked for from
 * the queue CBT005; a caller who asked for a person in reception hours and was not
 * answered — hung up waiting, sent to voicemail by the longest wait, a full queue or nobody
 * free, the desk phone unanswered, a message asked for — is CBT004, and so is a call our
 * service never answered (logged `failed`: the caller heard the fallback's apology and
 * forward, whose answer we cannot see). Everything else ended in the phone menu, CBT002:
 * self-service bookings and changes, the opening hours, a hang-up before choosing, and
 * out-of-hours calls (reception was closed, so no person was expected; a message left
 * then is still on the call-back list).
 */
export function cbtClass(call: NhsCallFacts): CbtClass | null {
  if (call.direction !== 'inbound') return null;
  if (call.queueStatus === 'answered' && call.answeredAt) return 'CBT003';
  // Left the queue with a call-back filed (`call_back`: src/reception/queue-call-back.ts).
  if (call.queueStatus === 'call_back') return 'CBT005';
  if (call.queuedAt || call.outcome === 'failed') return 'CBT004';
  return 'CBT002';
}

const bucketOf = (seconds: number, buckets: ReadonlyArray<{ upTo: number }>) =>
  buckets.findIndex((b) => seconds <= b.upTo);
const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

const zeros = (n: number) => Array<number>(n).fill(0);
export const emptyCbtDay = (): CbtDay => ({
  byBand: {
    CBT001: zeros(NHS_TIME_BANDS.length),
    CBT002: zeros(NHS_TIME_BANDS.length),
    CBT003: zeros(NHS_TIME_BANDS.length),
    CBT004: zeros(NHS_TIME_BANDS.length),
    CBT005: zeros(NHS_TIME_BANDS.length),
  },
  answeredByWait: zeros(NHS_WAIT_BUCKETS.length),
  missedByWait: zeros(NHS_WAIT_BUCKETS.length),
  answeredByDuration: zeros(NHS_DURATION_BUCKETS.length),
  callBacksDialled: 0,
  callBacksConnected: 0,
});

/** The band a local time falls in. */
export function bandOf(at: Date, timeZone: string): number {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  let band = 0;
  NHS_TIME_BANDS.forEach((b, i) => {
    if (minute >= b.from) band = i;
  });
  return band;
}

/** Adds one inbound call to a day's NHS figures. */
export function addCall(day: CbtDay, call: NhsCallFacts, timeZone: string): void {
  const cls = cbtClass(call);
  if (!cls) return;
  const band = bandOf(call.startedAt, timeZone);
  day.byBand.CBT001[band]!++;
  day.byBand[cls][band]!++;
  if (cls === 'CBT003') {
    const asked = call.queuedAt ?? call.startedAt;
    day.answeredByWait[bucketOf(secondsBetween(asked, call.answeredAt!), NHS_WAIT_BUCKETS)]!++;
    const talked = call.endedAt ? secondsBetween(call.answeredAt!, call.endedAt) : 0;
    day.answeredByDuration[bucketOf(talked, NHS_DURATION_BUCKETS)]!++;
  }
  if (cls === 'CBT004') {
    const asked = call.queuedAt ?? call.startedAt;
    day.missedByWait[bucketOf(call.endedAt ? secondsBetween(asked, call.endedAt) : 0, NHS_WAIT_BUCKETS)]!++;
  }
}

/** A period's NHS figures: the sum of its days. */
export function sumCbt(days: CbtDay[]): CbtDay {
  const t = emptyCbtDay();
  const add = (into: number[], from: number[]) => from.forEach((n, i) => (into[i]! += n));
  for (const d of days) {
    for (const k of Object.keys(t.byBand) as Array<keyof CbtDay['byBand']>) add(t.byBand[k], d.byBand[k]);
    add(t.answeredByWait, d.answeredByWait);
    add(t.missedByWait, d.missedByWait);
    add(t.answeredByDuration, d.answeredByDuration);
    t.callBacksDialled += d.callBacksDialled;
    t.callBacksConnected += d.callBacksConnected;
  }
  return t;
}

const total = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The seven indicators for a period, as NHS England names them (CBT006 as dials, with those connected beside). */
export function cbtIndicators(d: CbtDay) {
  return {
    CBT001: total(d.byBand.CBT001),
    CBT002: total(d.byBand.CBT002),
    CBT003: total(d.byBand.CBT003),
    CBT004: total(d.byBand.CBT004),
    CBT005: total(d.byBand.CBT005),
    CBT006: d.callBacksDialled,
    CBT006_connected: d.callBacksConnected,
    CBT007: total(d.answeredByDuration),
  };
}

/** A stored day's NHS figures, read defensively: a day kept before these figures existed reads as none. */
export function readCbtDay(stored: unknown): CbtDay | null {
  const d = stored as Partial<CbtDay> | null;
  if (!d?.byBand || !Array.isArray(d.answeredByWait)) return null;
  return { ...emptyCbtDay(), ...d, byBand: { ...emptyCbtDay().byBand, ...d.byBand } };
}

/** A period's NHS figures as the statistics screen shows them (null when a day in it has none). */
export function nhsView(cbt: CbtDay | null) {
  if (!cbt) return null;
  return {
    indicators: cbtIndicators(cbt),
    bands: NHS_TIME_BANDS.map((b, i) => ({ label: b.label, calls: cbt.byBand.CBT001[i]! })),
    answeredByWait: NHS_WAIT_BUCKETS.map((b, i) => ({ label: b.label, calls: cbt.answeredByWait[i]! })),
    missedByWait: NHS_WAIT_BUCKETS.map((b, i) => ({ label: b.label, calls: cbt.missedByWait[i]! })),
    answeredByDuration: NHS_DURATION_BUCKETS.map((b, i) => ({ label: b.label, calls: cbt.answeredByDuration[i]! })),
  };
}

/**
 * A month's figures for one practice, one row per day, indicator and category, laid out
 * like NHS England's publication files (Date, PRACTICE_CODE, Indicator, then the
 * breakdown): CBT001–CBT005 by Time_Category, CBT003 and CBT004 by Wait_Time, CBT007 by
 * Duration, CBT006 as Dialled and Connected. Zeros are written, so every day has every row.
 */
export function nhsMonthRows(
  odsCode: string,
  days: Array<{ date: string; cbt: CbtDay }>,
): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const { date, cbt } of days) {
    const row = (indicator: string, breakdown: string, category: string, value: number) =>
      rows.push([date, odsCode, indicator, breakdown, category, value]);
    for (const indicator of ['CBT001', ...CBT_CLASSES] as const)
      NHS_TIME_BANDS.forEach((b, i) => row(indicator, 'Time_Category', b.label, cbt.byBand[indicator][i]!));
    NHS_WAIT_BUCKETS.forEach((b, i) => row('CBT003', 'Wait_Time', b.label, cbt.answeredByWait[i]!));
    NHS_WAIT_BUCKETS.forEach((b, i) => row('CBT004', 'Wait_Time', b.label, cbt.missedByWait[i]!));
    row('CBT006', 'Call_Back', 'Dialled', cbt.callBacksDialled);
    row('CBT006', 'Call_Back', 'Connected', cbt.callBacksConnected);
    NHS_DURATION_BUCKETS.forEach((b, i) => row('CBT007', 'Duration', b.label, cbt.answeredByDuration[i]!));
  }
  return rows;
}

export const NHS_CSV_HEADER = ['Date', 'PRACTICE_CODE', 'Indicator', 'Breakdown', 'Category', 'Value'];
