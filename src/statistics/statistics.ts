// Daily call totals: computed from the call log while it exists, stored once a day
// can no longer change, read back from storage after the call log is purged.
import { DateTime } from 'luxon';
import { inPages } from '../db/pages.js';
import type { Prisma } from '../db/database.js';
import {
  type CallBackFacts,
  type CallFacts,
  COUNTERS,
  type DayTotals,
  emptyTotals,
  figuresOf,
  sumTotals,
  tallyDay,
  TARGETS,
} from './tally.js';
import { toCsv } from '../core/csv.js';
import { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { NHS_CSV_HEADER, nhsMonthRows, nhsView, readCbtDay } from './nhs-telephony.js';

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
export const lastClosedDay = (now: Date, timeZone: string) =>
  today(now, timeZone).minus({ days: CLOSED_AFTER_DAYS }).toISODate()!;

/** Every local date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 }))
    dates.push(d.toISODate()!);
  return dates;
}

function dayBounds(date: string, timeZone: string) {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).startOf('day').toJSDate(), timeZone };
}

const asDbDate = (date: string) => new Date(`${date}T00:00:00Z`);
const localDate = (at: Date, timeZone: string) => DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;

const CALL_FACTS = {
  id: true,
  startedAt: true,
  direction: true,
  outcome: true,
  queuedAt: true,
  answeredAt: true,
  queueStatus: true,
  endedAt: true,
  durationSeconds: true,
  events: { where: { kind: 'urgent' }, select: { kind: true }, take: 1 },
} as const;

/** Runs of consecutive dates, so a whole run is read in one sweep of pages. */
function consecutiveRuns(dates: string[]): Array<[string, string]> {
  const runs: Array<[string, string]> = [];
  for (const date of [...dates].sort()) {
    const last = runs.at(-1);
    if (last && DateTime.fromISO(last[1], { zone: 'utc' }).plus({ days: 1 }).toISODate() === date) last[1] = date;
    else runs.push([date, date]);
  }
  return runs;
}

/** Each local date's totals from the call log and the call-back list, read in pages. */
async function computeDays(prisma: Prisma, clinic: ClinicZone, dates: string[]): Promise<Map<string, DayTotals>> {
  const calls = new Map<string, CallFacts[]>(dates.map((d) => [d, []]));
  const callBacks = new Map<string, CallBackFacts[]>(dates.map((d) => [d, []]));
  const into = <T>(buckets: Map<string, T[]>, date: string, item: T) => buckets.get(date)?.push(item);
  for (const [first, last] of consecutiveRuns(dates)) {
    const range = { gte: dayBounds(first, clinic.timeZone).from, lt: dayBounds(last, clinic.timeZone).to };
    const callPages = inPages<CallFacts & { id: string; events: Array<{ kind: string }> }>((after, take) =>
      prisma.call.findMany({
        where: {
          clinicId: clinic.id,
          direction: 'inbound',
          startedAt: range,
          ...(after
            ? {
                AND: [
                  { startedAt: { gte: after.startedAt } },
                  { OR: [{ startedAt: { gt: after.startedAt } }, { id: { gt: after.id } }] },
                ],
              }
            : {}),
        },
        select: CALL_FACTS,
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
        take,
      }),
    );
    for await (const page of callPages)
      for (const { events, ...c } of page)
        into(calls, localDate(c.startedAt, clinic.timeZone), { ...c, urgent: events.length > 0 });
    const callBackPages = inPages<CallBackFacts & { id: string }>((after, take) =>
      prisma.callBack.findMany({
        where: {
          clinicId: clinic.id,
          OR: [{ createdAt: range }, { doneAt: range }],
          ...(after ? { id: { gt: after.id } } : {}),
        },
        select: { id: true, createdAt: true, doneAt: true },
        orderBy: { id: 'asc' },
        take,
      }),
    );
    // A call-back counts on the day it was asked for and on the day it was made.
    for await (const page of callBackPages) {
      for (const b of page)
        for (const date of new Set([
          localDate(b.createdAt, clinic.timeZone),
          ...(b.doneAt ? [localDate(b.doneAt, clinic.timeZone)] : []),
        ]))
          into(callBacks, date, b);
    }
  }
  const days = new Map(
    dates.map((date) => [date, tallyDay(calls.get(date)!, callBacks.get(date)!, dayBounds(date, clinic.timeZone))]),
  );
  // NHS CBT006: ring-backs from the queue placed on the day, and those that reached the receptionist.
  for (const [first, last] of consecutiveRuns(dates)) {
    const attempts = await prisma.callBackAttempt.findMany({
      where: {
        clinicId: clinic.id,
        callSid: { not: null },
        via: 'dialler',
        startedAt: { gte: dayBounds(first, clinic.timeZone).from, lt: dayBounds(last, clinic.timeZone).to },
      },
      select: { startedAt: true, result: true },
    });
    for (const a of attempts) {
      const cbt = days.get(localDate(a.startedAt, clinic.timeZone))?.cbt;
      if (!cbt) continue;
      cbt.callBacksDialled++;
      if (a.result === 'connected') cbt.callBacksConnected++;
    }
  }
  return days;
}

type StoredDay = DayTotals & { day: Date };
type StoredRow = Omit<StoredDay, 'cbt'> & { cbt: unknown };
const fromStored = ({ day: _day, ...totals }: StoredRow): DayTotals => ({
  callsByHour: totals.callsByHour,
  ...(Object.fromEntries(COUNTERS.map((k) => [k, totals[k]])) as Omit<DayTotals, 'callsByHour' | 'cbt'>),
  cbt: readCbtDay(totals.cbt),
});

async function storeDays(prisma: Prisma, clinicId: string, days: Array<[string, DayTotals]>, now: Date): Promise<void> {
  if (days.length === 0) return;
  // Another instance (or request) may have stored some first; the first one stands.
  await prisma.callStatsDay.createMany({
    data: days.map(([date, { cbt, ...totals }]) => ({
      clinicId,
      day: asDbDate(date),
      ...totals,
      cbt: cbt ? (cbt as unknown as PrismaTypes.InputJsonValue) : PrismaTypes.DbNull,
      computedAt: now,
    })),
    skipDuplicates: true,
  });
}

/**
 * The clinic's first day with anything to count (its creation, its first call, or its
 * first kept day, whichever is earliest) and today: outside these, every day is zeros
 * and is neither computed nor kept — an owner asking for 1990 or 2099 costs nothing.
 */
async function clinicLife(prisma: Prisma, clinic: ClinicZone, now: Date): Promise<{ first: string; today: string }> {
  const [created, firstCall, firstKept] = await Promise.all([
    prisma.clinic.findUnique({ where: { id: clinic.id }, select: { createdAt: true } }),
    prisma.call.findFirst({
      where: { clinicId: clinic.id },
      orderBy: { startedAt: 'asc' },
      select: { startedAt: true },
    }),
    prisma.callStatsDay.findFirst({ where: { clinicId: clinic.id }, orderBy: { day: 'asc' }, select: { day: true } }),
  ]);
  const candidates = [created?.createdAt, firstCall?.startedAt].flatMap((d) =>
    d ? [localDate(d, clinic.timeZone)] : [],
  );
  if (firstKept) candidates.push(firstKept.day.toISOString().slice(0, 10));
  const today = localDate(now, clinic.timeZone);
  return { first: candidates.sort()[0] ?? today, today };
}

/** The local date of the clinic's first incoming call still known (in the call log, or a kept day's count); null before any. */
export async function firstCallDate(prisma: Prisma, clinic: ClinicZone): Promise<string | null> {
  const [call, kept] = await Promise.all([
    prisma.call.findFirst({
      where: { clinicId: clinic.id, direction: 'inbound' },
      orderBy: { startedAt: 'asc' },
      select: { startedAt: true },
    }),
    prisma.callStatsDay.findFirst({
      where: { clinicId: clinic.id, calls: { gt: 0 } },
      orderBy: { day: 'asc' },
      select: { day: true },
    }),
  ]);
  const dates = [
    ...(call ? [localDate(call.startedAt, clinic.timeZone)] : []),
    ...(kept ? [kept.day.toISOString().slice(0, 10)] : []),
  ];
  return dates.sort()[0] ?? null;
}

/**
 * Days kept before the NHS figures were counted: counted now from the call log, but
 * kept only where it still holds every call the day had (its count matches the kept
 * one) — a day partly purged stays without them, and says so, rather than under-count.
 */
async function fillInNhsFigures(prisma: Prisma, clinic: ClinicZone, byDate: Map<string, DayTotals>): Promise<void> {
  const without = [...byDate].filter(([, t]) => !t.cbt).map(([date]) => date);
  if (without.length === 0) return;
  const recounted = await computeDays(prisma, clinic, without);
  for (const date of without) {
    const kept = byDate.get(date)!;
    const now = recounted.get(date)!;
    if (now.calls !== kept.calls) continue;
    await prisma.callStatsDay.updateMany({
      where: { clinicId: clinic.id, day: asDbDate(date), cbt: { equals: PrismaTypes.DbNull } },
      data: { cbt: now.cbt as unknown as PrismaTypes.InputJsonValue },
    });
    kept.cbt = now.cbt;
  }
}

/** Each day's totals for a period: stored days as stored, closed days computed and stored now, open days computed live. */
export async function dailyTotals(
  prisma: Prisma,
  clinic: ClinicZone,
  from: string,
  to: string,
  now: Date,
): Promise<Array<{ date: string; totals: DayTotals }>> {
  const life = await clinicLife(prisma, clinic, now);
  const [first, last] = [from > life.first ? from : life.first, to < life.today ? to : life.today];
  const byDate = new Map<string, DayTotals>();
  if (first <= last) {
    const stored = inPages<StoredRow>((after, take) =>
      prisma.callStatsDay.findMany({
        where: {
          clinicId: clinic.id,
          day: { gte: after ? new Date(after.day.getTime() + 86_400_000) : asDbDate(first), lte: asDbDate(last) },
        },
        orderBy: { day: 'asc' },
        take,
      }),
    );
    for await (const page of stored) for (const s of page) byDate.set(s.day.toISOString().slice(0, 10), fromStored(s));
    await fillInNhsFigures(prisma, clinic, byDate);
    const missing = datesBetween(first, last).filter((d) => !byDate.has(d));
    const computed = await computeDays(prisma, clinic, missing);
    const closedThrough = lastClosedDay(now, clinic.timeZone);
    await storeDays(
      prisma,
      clinic.id,
      [...computed].filter(([date]) => date <= closedThrough),
      now,
    );
    for (const [date, totals] of computed) byDate.set(date, totals);
  }
  return datesBetween(from, to).map((date) => ({ date, totals: byDate.get(date) ?? emptyTotals() }));
}

/**
 * Stores every closed day not stored yet, for every clinic (or one), from its first
 * call on. Runs on a schedule, and must run before call logs are purged.
 */
export async function closeDays(prisma: Prisma, now: Date, clinicId?: string): Promise<number> {
  const clinics = await prisma.clinic.findMany({
    where: clinicId ? { id: clinicId } : {},
    select: { id: true, timeZone: true },
  });
  let stored = 0;
  for (const clinic of clinics) {
    const closedThrough = lastClosedDay(now, clinic.timeZone);
    const [latest, first] = await Promise.all([
      prisma.callStatsDay.findFirst({
        where: { clinicId: clinic.id },
        orderBy: { day: 'desc' },
        select: { day: true },
      }),
      prisma.call.findFirst({
        where: { clinicId: clinic.id },
        orderBy: { startedAt: 'asc' },
        select: { startedAt: true },
      }),
    ]);
    if (!first) continue;
    const firstDate = localDate(first.startedAt, clinic.timeZone);
    const after = latest ? DateTime.fromJSDate(latest.day, { zone: 'utc' }).plus({ days: 1 }).toISODate()! : firstDate;
    const from = after > firstDate ? after : firstDate;
    if (from > closedThrough) continue;
    // A month at a time, so a clinic's first run over years of history stays in small steps.
    for (
      let start = from;
      start <= closedThrough;
      start = DateTime.fromISO(start, { zone: 'utc' }).plus({ days: 31 }).toISODate()!
    ) {
      const end = DateTime.fromISO(start, { zone: 'utc' }).plus({ days: 30 }).toISODate()!;
      const days = datesBetween(start, end < closedThrough ? end : closedThrough);
      await storeDays(prisma, clinic.id, [...(await computeDays(prisma, clinic, days))], now);
      stored += days.length;
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
    nhs: nhsView(totals.cbt),
  };
}

/**
 * NHS England's monthly cloud-based telephony figures for one practice, as CSV (local
 * days of the month up to today). Null when a day of it was kept before these figures were
 * counted and its calls are gone.
 */
export async function nhsMonthCsv(
  prisma: Prisma,
  clinic: ClinicZone & { odsCode: string },
  month: string,
  now: Date,
): Promise<string | null> {
  const start = DateTime.fromISO(`${month}-01`, { zone: 'utc' });
  const from = start.toISODate()!;
  const end = start.endOf('month').toISODate()!;
  // Up to today: days still to come have no figures yet.
  const today = localDate(now, clinic.timeZone);
  const days = await dailyTotals(prisma, clinic, from, end < today ? end : today, now);
  if (days.some((d) => !d.totals.cbt)) return null;
  return toCsv(
    nhsMonthRows(
      clinic.odsCode,
      days.map((d) => ({ date: d.date, cbt: d.totals.cbt! })),
    ),
    NHS_CSV_HEADER,
  );
}

const CSV_COLUMNS = [
  ['calls', 'calls'],
  ['askedForReception', 'asked_for_reception'],
  ['answered', 'answered'],
  ['answeredWithin20s', 'answered_within_20s'],
  ['answeredWithin20sRate', 'answered_within_20s_rate'],
  ['abandoned', 'abandoned'],
  ['abandonmentRate', 'abandonment_rate'],
  ['voicemails', 'voicemails'],
  ['booked', 'booked'],
  ['moved', 'moved'],
  ['cancelled', 'cancelled'],
  ['outOfHours', 'out_of_hours'],
  ['averageAnswerSeconds', 'average_answer_seconds'],
  ['longestAnswerSeconds', 'longest_answer_seconds'],
  ['averageAbandonedWaitSeconds', 'average_abandoned_wait_seconds'],
  ['callBacksRequested', 'call_backs_requested'],
  ['callBacksMade', 'call_backs_made'],
  ['averageCallSeconds', 'average_call_seconds'],
  // Added last, so the columns before keep their places for anyone reading them by position.
  ['urgent', 'urgent_advice_given'],
] as const;

/** The period's daily totals as CSV, one row per day and a last row for the whole period. */
export function reportCsv(report: PeriodReport): string {
  type Row = PeriodReport['totals'];
  const cell = (v: number | null) => (v === null ? '' : Number.isInteger(v) ? v : v.toFixed(4));
  const line = (date: string, r: Row) => [date, ...CSV_COLUMNS.map(([key]) => cell(r[key])), ...r.callsByHour];
  const hours = Array.from({ length: 24 }, (_, h) => `calls_${String(h).padStart(2, '0')}h`);
  return toCsv(
    [...report.days.map((d) => line(d.date, d)), line('total', report.totals)],
    ['date', ...CSV_COLUMNS.map(([, name]) => name), ...hours],
  );
}
