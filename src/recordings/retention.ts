// The retention purge: what each clinic's periods say has expired is destroyed —
// audio and voicemails' transcripts (here and at Twilio), recording rows, call logs
// with the personal data in them, texts sent, old audit entries — except recordings
// under a legal hold (and their calls). One run at a time across instances and the
// command line (a lease); an audit entry per clinic per run with the counts, never the
// content.
import { recordAudit, type Actor } from '../core/audit.js';
import type { Services } from '../core/services.js';
import { breathe } from '../db/breathe.js';
import type { Logger } from '../core/logger.js';
import { closeDays } from '../statistics/statistics.js';
import { withLease } from './lease.js';
import { cutoffsFor, type Cutoffs } from './retention-rules.js';
import type { RecordingStorage } from './storage.js';
import { atTwilioOf, deleteAllAtTwilio } from './twilio-copies.js';
import { FORGET_STALE_CALL_STATE } from '../calls/call-state.js';

export interface PurgeDeps extends Pick<Services, 'db' | 'twilio' | 'clock'> {
  recordings: RecordingStorage;
  logger?: Logger;
}

export interface ClinicPurge {
  clinicId: string;
  clinicName: string;
  callRecordings: number;
  voicemails: number;
  calls: number;
  texts: number;
  auditEntries: number;
  /** Expired, but kept under a legal hold. */
  held: number;
  /** Kept because Twilio's copy could not be deleted this time (tried again next run). */
  retryAtTwilio: number;
}

export interface PurgeReport {
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  clinics: ClinicPurge[];
  jobsRemoved: number;
}

const BATCH = 1_000;
const CALL_BATCH = 5_000;
const LEASE_MS = 30 * 60_000;
const STALE_CALL_STATE_MS = 24 * 3_600_000;
const FINISHED_INVITATIONS_KEPT_MS = 30 * 24 * 3_600_000;

// Recordings past their own period, or whose call is past the call log's: never a held one.
const EXPIRED_RECORDINGS = `FROM "Recording" r JOIN "Call" c ON c."id" = r."callId"
  WHERE r."clinicId" = $1::uuid AND NOT r."legalHold"
    AND ((r."kind" = 'call' AND r."createdAt" < $2::timestamp) OR (r."kind" = 'voicemail' AND r."createdAt" < $3::timestamp) OR c."startedAt" < $4::timestamp)`;
const HELD_EXPIRED = `SELECT count(*)::int AS "n" FROM "Recording" r JOIN "Call" c ON c."id" = r."callId"
  WHERE r."clinicId" = $1::uuid AND r."legalHold"
    AND ((r."kind" = 'call' AND r."createdAt" < $2::timestamp) OR (r."kind" = 'voicemail' AND r."createdAt" < $3::timestamp) OR c."startedAt" < $4::timestamp)`;
// An open entry whose first call is about to go, re-pointed at its earliest later call (one
// that is no other entry's first call); an entry with no later call goes with its call.
const LATER_CALL = `SELECT c."id" FROM "Call" c WHERE c."callBackId" = b."id" AND c."startedAt" >= $2::timestamp
  AND NOT EXISTS (SELECT 1 FROM "CallBack" o WHERE o."callId" = c."id")`;
const MOVE_OPEN_CALL_BACKS = `UPDATE "CallBack" b SET "callId" = (${LATER_CALL} ORDER BY c."startedAt", c."id" LIMIT 1)
  WHERE b."clinicId" = $1::uuid AND b."doneAt" IS NULL
    AND EXISTS (SELECT 1 FROM "Call" f WHERE f."id" = b."callId" AND f."startedAt" < $2::timestamp
      AND NOT EXISTS (SELECT 1 FROM "Recording" r WHERE r."callId" = f."id"))
    AND EXISTS (${LATER_CALL})`;
// A call goes once nothing of it is held: its events and call-back entry go with it (cascade).
const EXPIRED_CALLS = `FROM "Call" c WHERE c."clinicId" = $1::uuid AND c."startedAt" < $2::timestamp
  AND NOT EXISTS (SELECT 1 FROM "Recording" r WHERE r."callId" = c."id")`;

/** Runs `task` over `items`, `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

async function destroyRecordings(deps: PurgeDeps, clinicId: string, cut: Cutoffs, report: ClinicPurge): Promise<void> {
  const { db } = deps;
  const kept: string[] = [];
  for (;;) {
    const batch = await db.sql<{ id: string; kind: string } & Parameters<typeof atTwilioOf>[0]>(
      `SELECT r."id"::text AS "id", r."recordingSid", r."kind", r."deletedAtTwilio", r."transcriptStatus", r."transcriptionSid", r."transcriptionDeletedAtTwilio" ${EXPIRED_RECORDINGS} AND NOT (r."id" = ANY($5::uuid[])) ORDER BY r."id" LIMIT ${BATCH}`,
      [clinicId, cut.callRecordings, cut.voicemails, cut.callLog, kept],
    );
    if (batch.length === 0) return;
    const gone: typeof batch = [];
    await inParallel(batch, 8, async (r) => {
      const atTwilio = atTwilioOf(r);
      if ((atTwilio.recordingThere || atTwilio.transcriptionSid) && deps.twilio) {
        try {
          await deleteAllAtTwilio(deps.twilio, atTwilio);
        } catch (err) {
          deps.logger?.warn(
            { err, recordingId: r.id },
            'could not delete a recording at Twilio; kept for the next run',
          );
          kept.push(r.id);
          report.retryAtTwilio++;
          return;
        }
      }
      gone.push(r);
    });
    await inParallel(gone, 32, (r) => deps.recordings.delete(r.id));
    await db.sql(`DELETE FROM "Recording" WHERE "id" = ANY($1::uuid[])`, [gone.map((r) => r.id)]);
    await breathe();
    for (const r of gone) {
      if (r.kind === 'voicemail') report.voicemails++;
      else report.callRecordings++;
    }
  }
}

async function purgeClinic(
  deps: PurgeDeps,
  clinic: { id: string; name: string } & Parameters<typeof cutoffsFor>[1],
  now: Date,
  dryRun: boolean,
  actor: Actor,
): Promise<ClinicPurge> {
  const { db } = deps;
  const cut = cutoffsFor(now, clinic);
  const report: ClinicPurge = {
    clinicId: clinic.id,
    clinicName: clinic.name,
    callRecordings: 0,
    voicemails: 0,
    calls: 0,
    texts: 0,
    auditEntries: 0,
    held: 0,
    retryAtTwilio: 0,
  };
  const recordingArgs = [clinic.id, cut.callRecordings, cut.voicemails, cut.callLog];
  report.held = (await db.sql<{ n: number }>(HELD_EXPIRED, recordingArgs))[0]!.n;
  if (dryRun) {
    const byKind = await db.sql<{ kind: string; n: number }>(
      `SELECT r."kind", count(*)::int AS "n" ${EXPIRED_RECORDINGS} GROUP BY r."kind"`,
      recordingArgs,
    );
    report.callRecordings = byKind.find((k) => k.kind === 'call')?.n ?? 0;
    report.voicemails = byKind.find((k) => k.kind === 'voicemail')?.n ?? 0;
    report.calls = (
      await db.sql<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM "Call" c WHERE c."clinicId" = $1::uuid AND c."startedAt" < $2::timestamp AND NOT EXISTS (SELECT 1 FROM "Recording" r WHERE r."callId" = c."id" AND r."legalHold")`,
        [clinic.id, cut.callLog],
      )
    )[0]!.n;
    report.texts = (
      await db.sql<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM "TextMessage" WHERE "clinicId" = $1::uuid AND "createdAt" < $2::timestamp`,
        [clinic.id, cut.callLog],
      )
    )[0]!.n;
    report.auditEntries = (
      await db.sql<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM "AuditEntry" WHERE "clinicId" = $1::uuid AND "at" < $2::timestamp`,
        [clinic.id, cut.audit],
      )
    )[0]!.n;
    return report;
  }
  // The statistics of every day about to lose its calls are kept first.
  await closeDays(db.prisma, now, clinic.id);
  await destroyRecordings(deps, clinic.id, cut, report);
  // An open call-back entry lives as long as a call it follows up: one whose first call expires
  // moves to its earliest call still kept, so a repeat caller is not dropped from the list.
  await db.sql(MOVE_OPEN_CALL_BACKS, [clinic.id, cut.callLog]);
  for (;;) {
    const deleted = await db.sql(
      `DELETE FROM "Call" WHERE "id" IN (SELECT c."id" ${EXPIRED_CALLS} LIMIT ${CALL_BATCH}) RETURNING 1 AS "x"`,
      [clinic.id, cut.callLog],
    );
    report.calls += deleted.length;
    await breathe();
    if (deleted.length < CALL_BATCH) break;
  }
  report.texts = (
    await db.sql(
      `DELETE FROM "TextMessage" WHERE "clinicId" = $1::uuid AND "createdAt" < $2::timestamp RETURNING 1 AS "x"`,
      [clinic.id, cut.callLog],
    )
  ).length;
  await db.sql(`DELETE FROM "WaitlistOffer" WHERE "clinicId" = $1::uuid AND "createdAt" < $2::timestamp`, [
    clinic.id,
    cut.callLog,
  ]);
  // Invitations accepted, withdrawn or expired a month ago have nothing left to say.
  await db.sql(
    `DELETE FROM "Invitation" WHERE "clinicId" = $1::uuid AND GREATEST("expiresAt", COALESCE("acceptedAt", "revokedAt", "expiresAt")) < $2::timestamp`,
    [clinic.id, new Date(now.getTime() - FINISHED_INVITATIONS_KEPT_MS)],
  );
  // What a caller said about themselves goes when the call ends; a call whose end never reached us keeps it no longer than a day.
  await db.sql(FORGET_STALE_CALL_STATE, [clinic.id, new Date(now.getTime() - STALE_CALL_STATE_MS)]);
  report.auditEntries = await db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL clinic.audit_purge = 'on'`);
    return tx.$executeRaw`DELETE FROM "AuditEntry" WHERE "clinicId" = ${clinic.id}::uuid AND "at" < ${cut.audit}`;
  });
  const { clinicId: _id, clinicName: _name, ...counts } = report;
  await recordAudit(db.prisma, { actor, action: 'retention.purged', clinicId: clinic.id, details: counts });
  return report;
}

/**
 * Destroys what has expired in every clinic (or one). With `dryRun`, counts what
 * would go and changes nothing. Null when another run holds the lease.
 */
export async function purgeExpired(
  deps: PurgeDeps,
  options: { dryRun?: boolean; clinicId?: string; actor?: Actor } = {},
): Promise<PurgeReport | null> {
  const dryRun = options.dryRun ?? false;
  const run = async (): Promise<PurgeReport> => {
    const startedAt = deps.clock();
    const clinics = await deps.db.prisma.clinic.findMany({
      where: options.clinicId ? { id: options.clinicId } : {},
      select: {
        id: true,
        name: true,
        recordingRetentionDays: true,
        voicemailRetentionDays: true,
        callLogRetentionDays: true,
        auditRetentionDays: true,
      },
      orderBy: { createdAt: 'asc' },
    });
    const reports: ClinicPurge[] = [];
    for (const clinic of clinics)
      reports.push(await purgeClinic(deps, clinic, startedAt, dryRun, options.actor ?? { type: 'system' }));
    // A day's changes, deletions included, for the planner of a database that keeps no statistics itself.
    if (!dryRun) await deps.db.refreshStatistics();
    // Finished jobs name rows, not people; a fortnight is enough to look back on.
    const jobsRemoved = dryRun
      ? 0
      : (
          await deps.db.sql(
            `DELETE FROM "Job" WHERE ("status" = 'done' AND "doneAt" < $1::timestamp) OR ("status" = 'failed' AND "createdAt" < $2::timestamp) RETURNING 1 AS "x"`,
            [new Date(startedAt.getTime() - 14 * 86_400_000), new Date(startedAt.getTime() - 90 * 86_400_000)],
          )
        ).length;
    return { dryRun, startedAt, finishedAt: deps.clock(), clinics: reports, jobsRemoved };
  };
  // A dry run changes nothing, so it needs no lease.
  return dryRun ? run() : withLease(deps.db, 'retention', LEASE_MS, deps.clock, run);
}
