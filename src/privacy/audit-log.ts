// The owner's view of the audit log: who did what, newest first, filterable.
// Entries name staff by account (their email is shown to owners) and patients
// only by ids, which mean nothing once the patient is erased.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';

// The largest id the log's bigint column can hold.
const MAX_ID = 2n ** 63n - 1n;

export const auditQuerySchema = z.strictObject({
  from: z.iso.date('must be a date like 2027-03-04').optional(),
  to: z.iso.date('must be a date like 2027-03-04').optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z_.]{1,60}$/, 'must be an action like recording.listened, or its start like recording.')
    .optional(),
  actor: z.uuid('must be a staff member id').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,19}$/, 'must be the id of an entry')
    .refine((id) => /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_ID, 'must be the id of an entry')
    .optional(),
});

export async function listAudit(
  prisma: Prisma,
  clinic: { id: string; timeZone: string },
  q: z.infer<typeof auditQuerySchema>,
) {
  const day = (date: string) => DateTime.fromISO(date, { zone: clinic.timeZone }).startOf('day');
  // Sign-ins belong to no one clinic: each clinic's owners see their own staff's.
  const members = (await prisma.membership.findMany({ where: { clinicId: clinic.id }, select: { userId: true } })).map(
    (m) => m.userId,
  );
  const where: PrismaTypes.AuditEntryWhereInput = {
    OR: [{ clinicId: clinic.id }, { clinicId: null, action: { startsWith: 'session.' }, actorId: { in: members } }],
    ...(q.action ? (q.action.endsWith('.') ? { action: { startsWith: q.action } } : { action: q.action }) : {}),
    ...(q.actor ? { actorId: q.actor } : {}),
    ...(q.from || q.to
      ? {
          at: {
            ...(q.from ? { gte: day(q.from).toJSDate() } : {}),
            ...(q.to ? { lt: day(q.to).plus({ days: 1 }).toJSDate() } : {}),
          },
        }
      : {}),
    ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
  };
  const rows = await prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const people = await prisma.user.findMany({
    where: { id: { in: [...new Set(page.flatMap((r) => (r.actorType === 'user' && r.actorId ? [r.actorId] : [])))] } },
    select: { id: true, email: true },
  });
  const email = new Map(people.map((p) => [p.id, p.email]));
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      actor: { type: r.actorType, id: r.actorId, email: r.actorId ? (email.get(r.actorId) ?? null) : null },
      action: r.action,
      subject: r.subjectType ? { type: r.subjectType, id: r.subjectId } : null,
      details: r.details,
    })),
    nextBefore: rows.length > q.limit ? page.at(-1)!.id.toString() : null,
  };
}
