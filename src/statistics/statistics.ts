// Daily call totals: computed from the call log while it exists, stored once a day
// can no longer change, read back from storage after the call log is purged.
import { DateTime } from 'luxon';
import type { Prisma } from '../db/database.js';
import { COUNTERS, type DayTotals, figuresOf, sumTotals, tallyDay, TARGETS } from './tally.js';
import { toCsv } from '../csv.js';

export interface ClinicZone {
  id: string;
  timeZone: string;
}

/**
 * A day is closed once the clinic's local date is two days past it: every call that
 * started on it has ended and its callbacks (a voicemail's recording, say) have come.
 */
export const CLOSED_AFTER_DAYS = 2;

const today = (now: Date, timeZone: string) => DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
export const lastClosedDay = (now: Date, timeZone: string) => today(now, timeZone).minus({ days: CLOSED_AFTER_DAYS }).toISODate()!;

/** Every local date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) dates.push(d.toISODate()!);
  return dates;
}

function dayBounds(date: string, timeZone: string) {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).startOf('day').toJSDate(), timeZone };
}

const asDbDate = (date: string) => new Date(`${date}T00:00:00Z`);

/** One local day's totals from the call log and the call-back list. */
async function computeDay(prisma: Prisma, clinic: ClinicZone, date: string): Promise<DayTotals> {
  const day = dayBounds(date, clinic.timeZone);
  const range = { gte: day.from, lt: day.to };
  const [calls, callBacks] = await Promise.all([
    prisma.call.findMany({
      where: { clinicId: clinic.id, startedAt: range, direction: 'inbound' },
      select: { startedAt: true, direction: true, outcome: true, queuedAt: true, answeredAt: true, queueStatus: true, endedAt: true, durationSeconds: true },
    }),
    prisma.callBack.findMany({ where: { clinicId: clinic.id, OR: [{ createdAt: range }, { doneAt: range }] }, select: { createdAt: true, doneAt: true } }),
  ]);
  return tallyDay(calls, callBacks, day);
}

type StoredDay = DayTotals & { day: Date };
const fromStored = ({ day, ...totals }: StoredDay & Record<string, unknown>): DayTotals => ({
  callsByHour: totals.callsByHour,
  ...(Object.fromEntries(COUNTERS.map((k) => [k, totals[k]])) as Omit<DayTotals, 'callsByHour'>),
});

async function storeDay(prisma: Prisma, clinicId: string, date: string, totals: DayTotals, now: Date): Promise<void> {
  // Another instance (or request) may have stored it first; the first one stands.
  await prisma.callStatsDay.createMany({ data: [{ clinicId, day: asDbDate(date), ...totals, computedAt: now }], skipDuplicates: true });
}

/** Each day's totals for a period: stored days as stored, closed days computed and stored now, open days computed live. */
export async function dailyTotals(prisma: Prisma, clinic: ClinicZone, from: string, to: string, now: Date): Promise<Array<{ date: string; totals: DayTotals }>> {
  const stored = await prisma.callStatsDay.findMany({ where: { clinicId: clinic.id, day: { gte: asDbDate(from), lte: asDbDate(to) } } });
  const byDate = new Map(stored.map((s) => [s.day.toISOString().slice(0, 10), fromStored(s)]));
  const closedThrough = lastClosedDay(now, clinic.timeZone);
  const days = [];
  for (const date of datesBetween(from, to)) {
    let totals = byDate.get(date);
    if (!totals) {
      totals = await computeDay(prisma, clinic, date);
      if (date <= closedThrough) await storeDay(prisma, clinic.id, date, totals, now);
    }
    days.push({ date, totals });
  }
  return days;
}

/**
 * Stores every closed day not stored yet, for every clinic (or one), from its first
 * call on. Runs on a schedule, and must run before call logs are purged.
 */
export async function closeDays(prisma: Prisma, now: Date, clinicId?: string): Promise<number> {
  const clinics = await prisma.clinic.findMany({ where: clinicId ? { id: clinicId } : {}, select: { id: true, timeZone: true } });
  let stored = 0;
  for (const clinic of clinics) {
    const closedThrough = lastClosedDay(now, clinic.timeZone);
    const [latest, first] = await Promise.all([
      prisma.callStatsDay.findFirst({ where: { clinicId: clinic.id }, orderBy: { day: 'desc' }, select: { day: true } }),
      prisma.call.findFirst({ where: { clinicId: clinic.id }, orderBy: { startedAt: 'asc' }, select: { startedAt: true } }),
    ]);
    if (!first) continue;
    const firstDate = DateTime.fromJSDate(first.startedAt, { zone: clinic.timeZone }).toISODate()!;
    const after = latest ? DateTime.fromJSDate(latest.day, { zone: 'utc' }).plus({ days: 1 }).toISODate()! : firstDate;
    const from = after > firstDate ? after : firstDate;
    for (const date of from <= closedThrough ? datesBetween(from, closedThrough) : []) {
      await storeDay(prisma, clinic.id, date, await computeDay(prisma, clinic, date), now);
      stored++;
    }
  }
  return stored;
}

export type PeriodReport = Awaited<ReturnType<typeof periodReport>>;

/** What the statistics screen shows for a period: each day, the period's totals and its figures against the targets. */
export async function periodReport(prisma: Prisma, clinic: ClinicZone, from: string, to: string, now: Date) {
  const days = await dailyTotals(prisma, clinic, from, to, now);
  const totals = sumTotals(days.map((d) => d.totals));
  return {
    from,
    to,
    timeZone: clinic.timeZone,
    targets: TARGETS,
    totals: { ...totals, ...figuresOf(totals) },
    days: days.map((d) => ({ date: d.date, ...d.totals, ...figuresOf(d.totals) })),
  };
}

const CSV_COLUMNS = [
  ['calls', 'calls'], ['askedForReception', 'asked_for_reception'], ['answered', 'answered'], ['answeredWithin20s', 'answered_within_20s'],
  ['answeredWithin20sRate', 'answered_within_20s_rate'], ['abandoned', 'abandoned'], ['abandonmentRate', 'abandonment_rate'],
  ['voicemails', 'voicemails'], ['booked', 'booked'], ['moved', 'moved'], ['cancelled', 'cancelled'], ['outOfHours', 'out_of_hours'],
  ['averageAnswerSeconds', 'average_answer_seconds'], ['longestAnswerSeconds', 'longest_answer_seconds'],
  ['averageAbandonedWaitSeconds', 'average_abandoned_wait_seconds'], ['callBacksRequested', 'call_backs_requested'],
  ['callBacksMade', 'call_backs_made'], ['averageCallSeconds', 'average_call_seconds'],
] as const;

/** The period's daily totals as CSV, one row per day and a last row for the whole period. */
export function reportCsv(report: PeriodReport): string {
  type Row = PeriodReport['totals'];
  const cell = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? v : v.toFixed(4));
  const line = (date: string, r: Row) => [date, ...CSV_COLUMNS.map(([key]) => cell(r[key])), ...r.callsByHour];
  const hours = Array.from({ length: 24 }, (_, h) => `calls_${String(h).padStart(2, '0')}h`);
  return toCsv([...report.days.map((d) => line(d.date, d)), line('total', report.totals)], ['date', ...CSV_COLUMNS.map(([, name]) => name), ...hours]);
}
