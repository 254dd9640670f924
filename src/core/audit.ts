import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import type { Prisma } from './database.js';

/**
 * Who did it: a staff member by their (pseudonymous) user id, the operator's command line,
 * the system, or someone not signed in (a wrong password typed for a member of staff).
 */
export type Actor = { type: 'user'; userId: string } | { type: 'operator' } | { type: 'system' } | { type: 'someone' };

export interface AuditInput {
  actor: Actor;
  action: string;
  clinicId?: string | null;
  subject?: { type: string; id: string };
  /** Counts and field names only: never names, numbers or other content. */
  details?: PrismaTypes.InputJsonValue;
}

type Writer = Pick<Prisma, 'auditEntry'> | PrismaTypes.TransactionClient;

const row = (entry: AuditInput, clinicId: string | null) => ({
  actorType: entry.actor.type,
  actorId: entry.actor.type === 'user' ? entry.actor.userId : null,
  action: entry.action,
  clinicId,
  subjectType: entry.subject?.type ?? null,
  subjectId: entry.subject?.id ?? null,
  details: entry.details,
});

/** Writes one audit entry; pass the transaction client so it commits with the change it describes. */
export async function recordAudit(db: Writer, entry: AuditInput): Promise<void> {
  await db.auditEntry.create({ data: row(entry, entry.clinicId ?? null) });
}

/** The same entry once in each of these clinics (something about a person who belongs to several). */
export async function recordAuditInClinics(db: Writer, clinicIds: string[], entry: AuditInput): Promise<void> {
  if (clinicIds.length > 0) await db.auditEntry.createMany({ data: clinicIds.map((id) => row(entry, id)) });
}
