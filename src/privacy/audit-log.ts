// The owner's view of the audit log: who did what to whom, and when, in people's words
// (./audit-words.ts), newest first, filterable by person, kind and days. Entries keep
// only ids; names are looked up as the log is read (./audit-subjects.ts), so an erased
// patient is "an erased patient". One person's sign-ins in a row on one day are one row.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { InvalidInput } from '../core/errors.js';
import { toCsv } from '../core/csv.js';
import type { Prisma } from '../db/database.js';
import { inPages } from '../db/pages.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { staffLabel } from '../accounts/staff.js';
import { type ClinicWhere, describeSubjects, type SubjectRef } from './audit-subjects.js';
import { actionsIn, actorWords, AUDIT_CATEGORIES, categoryOf, GROUPED_ACTIONS, whatWasDone } from './audit-words.js';

// The largest id the log's bigint column can hold.
const MAX_ID = 2n ** 63n - 1n;

/** A person's own doings, kept with no clinic: each clinic's owners see those of their own staff. */
const PERSONAL_ACTIONS = ['session.signed_in', 'staff.password_set', 'staff.name_changed'];

const filtersSchema = z.strictObject({
  from: z.iso.date('must be a date like 2027-03-04').optional(),
  to: z.iso.date('must be a date like 2027-03-04').optional(),
  category: z.enum(AUDIT_CATEGORIES, { error: `must be one of ${AUDIT_CATEGORIES.join(', ')}` }).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z_.]{1,60}$/, 'must be an action like recording.listened, or its start like recording.')
    .optional(),
  actor: z.uuid('must be a staff member id').optional(),
});

export const auditQuerySchema = filtersSchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,19}$/, 'must be the id of an entry')
    .refine((id) => /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_ID, 'must be the id of an entry')
    .optional(),
});
export const auditCsvQuerySchema = filtersSchema;

type Filters = z.infer<typeof filtersSchema>;
type Entry = PrismaTypes.AuditEntryGetPayload<object>;

/** What someone not signed in did for a member of staff's account: that person's entries, when the log is filtered by them. */
const DONE_FOR_A_PERSON = ['session.sign_in_failed', 'staff.password_reset_asked'];

/** Whose sign-in it is: the person signing in, or the account a wrong password was typed for. */
const personOf = (e: Entry) => (e.action === 'session.sign_in_failed' ? e.subjectId : e.actorId);

async function whereOf(prisma: Prisma, clinic: ClinicWhere, q: Filters): Promise<PrismaTypes.AuditEntryWhereInput> {
  if (q.from && q.to && q.to < q.from) throw new InvalidInput('to: must not be before from', 'to');
  const day = (date: string) => DateTime.fromISO(date, { zone: clinic.timeZone }).startOf('day');
  const members = (await prisma.membership.findMany({ where: { clinicId: clinic.id }, select: { userId: true } })).map(
    (m) => m.userId,
  );
  const and: PrismaTypes.AuditEntryWhereInput[] = [
    {
      OR: [{ clinicId: clinic.id }, { clinicId: null, action: { in: PERSONAL_ACTIONS }, actorId: { in: members } }],
    },
  ];
  if (q.category) and.push({ action: { in: actionsIn(q.category) } });
  if (q.action) and.push(q.action.endsWith('.') ? { action: { startsWith: q.action } } : { action: q.action });
  if (q.actor)
    and.push({
      OR: [{ actorId: q.actor }, { action: { in: DONE_FOR_A_PERSON }, subjectType: 'user', subjectId: q.actor }],
    });
  if (q.from || q.to)
    and.push({
      at: {
        ...(q.from ? { gte: day(q.from).toJSDate() } : {}),
        ...(q.to ? { lt: day(q.to).plus({ days: 1 }).toJSDate() } : {}),
      },
    });
  return { AND: and };
}

/** One row of the screen: an entry, or one person's sign-ins in a row on one day. */
interface Row {
  newest: Entry;
  oldest: Entry;
  count: number;
}

/** Staff names (else emails) for every person the entries name, as things are now. */
async function peopleIn(prisma: Prisma, entries: Entry[]) {
  const ids = new Set<string>();
  for (const e of entries) {
    if (e.actorType === 'user' && e.actorId) ids.add(e.actorId);
    if (e.subjectType === 'user' && e.subjectId) ids.add(e.subjectId);
    const assigned = (e.details as { assignedTo?: unknown } | null)?.assignedTo;
    if (typeof assigned === 'string') ids.add(assigned);
  }
  const users = await prisma.user.findMany({
    where: { id: { in: [...ids].filter((id) => z.uuid().safeParse(id).success) } },
    select: { id: true, email: true, name: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    user: (id: string | null) => (id ? (byId.get(id) ?? null) : null),
    nameOf: (id: string) => {
      const u = byId.get(id);
      return u ? staffLabel(u) : 'a former member of staff';
    },
  };
}

/** The rows in words: who, did what, to whom or what, with the ids and codes kept for machines. */
async function inWords(prisma: Prisma, clinic: ClinicWhere, rows: Row[]) {
  const people = await peopleIn(
    prisma,
    rows.map((r) => r.newest),
  );
  const subjects: SubjectRef[] = rows.flatMap(({ newest: e }) =>
    e.subjectType && e.subjectId ? [{ type: e.subjectType, id: e.subjectId }] : [],
  );
  const about = await describeSubjects(prisma, clinic, subjects, people.nameOf);
  return rows.map(({ newest: e, oldest, count }) => {
    const user = e.actorType === 'user' ? people.user(e.actorId) : null;
    return {
      id: e.id.toString(),
      at: e.at,
      firstAt: oldest.at,
      count,
      who: user ? staffLabel(user) : actorWords(e.actorType),
      what: whatWasDone(e.action, e.details, people.nameOf, count),
      // "Sam set their password" needs no "about Sam".
      about:
        e.subjectType && e.subjectId && !(e.subjectType === 'user' && e.subjectId === e.actorId)
          ? about({ type: e.subjectType, id: e.subjectId })
          : null,
      category: categoryOf(e.action),
      actor: { type: e.actorType, id: e.actorId, name: user?.name ?? null, email: user?.email ?? null },
      action: e.action,
      subject: e.subjectType ? { type: e.subjectType, id: e.subjectId } : null,
      details: e.details,
    };
  });
}

export type AuditRow = Awaited<ReturnType<typeof inWords>>[number];

/**
 * A page of the log, newest first. Rows, not entries, count towards `limit`: a page reads
 * on until the row after its last begins, so one person's 49 sign-ins are one row and a
 * group is never split across pages. `nextBefore` is where the next page starts.
 */
export async function listAudit(prisma: Prisma, clinic: ClinicWhere, q: z.infer<typeof auditQuerySchema>) {
  const where = await whereOf(prisma, clinic, q);
  const dayOf = (at: Date) => DateTime.fromJSDate(at, { zone: clinic.timeZone }).toISODate();
  const rows: Row[] = [];
  let before = q.before ? BigInt(q.before) : undefined;
  let nextBefore: string | null = null;
  const batch = Math.min(500, q.limit + 1);
  reading: for (;;) {
    const entries = await prisma.auditEntry.findMany({
      where: before === undefined ? where : { AND: [where, { id: { lt: before } }] },
      orderBy: { id: 'desc' },
      take: batch,
    });
    for (const e of entries) {
      const last = rows.at(-1);
      if (
        last &&
        GROUPED_ACTIONS.has(e.action) &&
        e.action === last.newest.action &&
        personOf(e) !== null &&
        personOf(e) === personOf(last.newest) &&
        dayOf(e.at) === dayOf(last.newest.at)
      ) {
        last.oldest = e;
        last.count++;
        continue;
      }
      if (rows.length === q.limit) {
        nextBefore = last!.oldest.id.toString();
        break reading;
      }
      rows.push({ newest: e, oldest: e, count: 1 });
    }
    if (entries.length < batch) break;
    before = entries.at(-1)!.id;
  }
  return { entries: await inWords(prisma, clinic, rows), nextBefore };
}

const CSV_COLUMNS = ['time', 'who', 'who_email', 'what', 'about', 'action', 'category'];

/**
 * Every matching entry as CSV (one line each, sign-ins too), times in the clinic's zone
 * with their offset, people by name: yielded a page at a time.
 */
export async function* auditCsv(prisma: Prisma, clinic: ClinicWhere, q: Filters): AsyncGenerator<string> {
  const where = await whereOf(prisma, clinic, q);
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: clinic.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
  const pages = inPages<Entry>((after, take) =>
    prisma.auditEntry.findMany({
      where: after ? { AND: [where, { id: { lt: after.id } }] } : where,
      orderBy: { id: 'desc' },
      take,
    }),
  );
  let lines = 0;
  for await (const page of pages) {
    const rows = await inWords(
      prisma,
      clinic,
      page.map((e) => ({ newest: e, oldest: e, count: 1 })),
    );
    yield toCsv(
      rows.map((r) => [local(r.at), r.who, r.actor.email ?? '', r.what, r.about ?? '', r.action, r.category ?? '']),
      CSV_COLUMNS,
      { header: lines === 0 },
    );
    lines += rows.length;
  }
  if (lines === 0) yield toCsv([], CSV_COLUMNS);
}
