import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import type { Prisma } from './database.js';

/** Who did it: a staff member by their (pseudonymous) user id, the operator's command line, or the system. */
export type Actor = { type: 'user'; userId: string } | { type: 'operator' } | { type: 'system' };

export interface AuditInput {
  actor: Actor;
  action: string;
  clinicId?: string | null;
  subject?: { type: string; id: string };
  /** Counts and field names only: never names, numbers or other content. */
  details?: PrismaTypes.InputJsonValue;
}

type Writer = Pick<Prisma, 'auditEntry'> | PrismaTypes.TransactionClient;

/** Writes one audit entry; pass the transaction client so it commits with the change it describes. */
export async function recordAudit(db: Writer, entry: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorType: entry.actor.type,
      actorId: entry.actor.type === 'user' ? entry.actor.userId : null,
      action: entry.action,
      clinicId: entry.clinicId ?? null,
      subjectType: entry.subject?.type ?? null,
      subjectId: entry.subject?.id ?? null,
      details: entry.details,
    },
  });
}
