// The call log for the dashboard and owners: filters, pages, CSV, a call's timeline.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { inPages } from '../db/pages.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { normalisePhone } from '../diary/patients.js';
import { toCsv } from '../core/csv.js';
import { NotFound, InvalidInput } from '../core/errors.js';

export const OUTCOMES = [
  'booked',
  'moved',
  'cancelled',
  'reception',
  'voicemail',
  'missed',
  'abandoned',
  'out_of_hours',
  'failed',
  'call_back',
  'call_back_requested',
] as const;

export const callLogQuerySchema = z.object({
  from: z.iso.date('must be a date like 2027-03-04').optional(),
  to: z.iso.date('must be a date like 2027-03-04').optional(),
  outcome: z.enum(OUTCOMES, { error: `must be one of ${OUTCOMES.join(', ')}` }).optional(),
  caller: z.string().trim().min(3, 'must be at least 3 characters').max(40).optional(),
  staff: z.uuid('must be a staff member id').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export type CallLogQuery = z.infer<typeof callLogQuerySchema>;

interface Cursor {
  startedAt: string;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
// What encodeCursor writes, checked whole: a forged cursor must not reach the database.
const cursorSchema = z.strictObject({ startedAt: z.iso.datetime(), id: z.uuid() });
function decodeCursor(text: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    /* not JSON: refused below */
  }
  const cursor = cursorSchema.safeParse(parsed);
  if (!cursor.success) throw new InvalidInput('cursor: is not a cursor this API gave out', 'cursor');
  return cursor.data;
}

/** Filters on the clinic's local calendar days, newest first. */
function where(clinicId: string, clinic: ClinicZone, q: CallLogQuery): PrismaTypes.CallWhereInput {
  const { timeZone } = clinic;
  const from = q.from ? DateTime.fromISO(q.from, { zone: timeZone }).startOf('day').toJSDate() : undefined;
  const to = q.to ? DateTime.fromISO(q.to, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate() : undefined;
  if (from && to && to <= from) throw new InvalidInput('to: must not be before from', 'to');
  return {
    clinicId,
    ...(from || to ? { startedAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    // A whole number as people write it ("07700 900123") matches exactly; a fragment matches by its digits.
    ...(q.caller
      ? { fromNumber: { contains: normalisePhone(q.caller, clinic.locale) ?? q.caller.replace(/[^\d+]/g, '') } }
      : {}),
    ...(q.staff ? { answeredBy: q.staff } : {}),
  };
}

const columns = {
  id: true,
  callSid: true,
  fromNumber: true,
  toNumber: true,
  status: true,
  startedAt: true,
  answeredAt: true,
  endedAt: true,
  durationSeconds: true,
  outcome: true,
  answeredBy: true,
} as const;

export interface ClinicZone {
  timeZone: string;
  locale: string;
}

type CallRow = Awaited<ReturnType<typeof listCalls>>['calls'][number];

export async function listCalls(prisma: Prisma, clinicId: string, clinic: ClinicZone, q: CallLogQuery) {
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  const base = where(clinicId, clinic, q);
  const rows = await prisma.call.findMany({
    // The bound on startedAt alone lets the index stop early; the OR settles ties.
    where: cursor
      ? {
          AND: [
            base,
            { startedAt: { lte: new Date(cursor.startedAt) } },
            { OR: [{ startedAt: { lt: new Date(cursor.startedAt) } }, { id: { lt: cursor.id } }] },
          ],
        }
      : base,
    select: columns,
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    calls: page,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ startedAt: last.startedAt.toISOString(), id: last.id }) : null,
  };
}

const CSV_COLUMNS = [
  'started',
  'from',
  'to',
  'status',
  'outcome',
  'duration_seconds',
  'answered',
  'ended',
  'answered_by',
  'call_sid',
];

/**
 * Every matching call as CSV, times in the clinic's zone, a header row first: yielded
 * a page at a time, so however long the log, no single query or piece of work is large.
 */
export async function* callsCsv(
  prisma: Prisma,
  clinicId: string,
  clinic: ClinicZone,
  q: CallLogQuery,
): AsyncGenerator<string> {
  const { timeZone } = clinic;
  const local = (d: Date | null) =>
    d ? DateTime.fromJSDate(d, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") : '';
  const pages = inPages<CallRow>(
    async (after, take) =>
      (
        await listCalls(prisma, clinicId, clinic, {
          ...q,
          cursor: after && encodeCursor({ startedAt: after.startedAt.toISOString(), id: after.id }),
          limit: take,
        })
      ).calls,
  );
  let rows = 0;
  for await (const page of pages) {
    // Who answered, by name (else email), not by id: a spreadsheet's reader knows people, not UUIDs.
    const staff = await prisma.user.findMany({
      where: { id: { in: [...new Set(page.flatMap((r) => (r.answeredBy ? [r.answeredBy] : [])))] } },
      select: { id: true, email: true, name: true },
    });
    const who = new Map(staff.map((u) => [u.id, u.name ?? u.email]));
    yield toCsv(
      page.map((r) => [
        local(r.startedAt),
        r.fromNumber,
        r.toNumber,
        r.status,
        r.outcome ?? '',
        r.durationSeconds ?? '',
        local(r.answeredAt),
        local(r.endedAt),
        r.answeredBy ? (who.get(r.answeredBy) ?? r.answeredBy) : '',
        r.callSid,
      ]),
      CSV_COLUMNS,
      { header: rows === 0 },
    );
    rows += page.length;
  }
  if (rows === 0) yield toCsv([], CSV_COLUMNS);
}

export async function callTimeline(prisma: Prisma, clinicId: string, callId: string) {
  const call = await prisma.call.findFirst({
    where: { id: callId, clinicId },
    select: {
      ...columns,
      events: { select: { at: true, kind: true, data: true }, orderBy: [{ at: 'asc' }, { id: 'asc' }] },
      recordings: {
        select: {
          id: true,
          kind: true,
          status: true,
          durationSeconds: true,
          legalHold: true,
          holdReason: true,
          createdAt: true,
          transcriptStatus: true,
        },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  if (!call) throw new NotFound('No such call');
  // The call row is its own first event: answering a call writes one row, not two.
  return { ...call, events: [{ at: call.startedAt, kind: 'ringing', data: null }, ...call.events] };
}
