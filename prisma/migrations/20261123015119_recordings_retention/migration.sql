-- DropIndex
DROP INDEX "Recording_clinicId_createdAt_idx";

-- Whole-call recordings move from the call row into Recording (kind call), like voicemails.
INSERT INTO "Recording" ("id", "clinicId", "callId", "kind", "recordingSid", "status", "durationSeconds", "createdAt")
SELECT gen_random_uuid(), "clinicId", "id", 'call', "recordingSid", "recordingStatus", "recordingSeconds", COALESCE("endedAt", "startedAt")
FROM "Call" WHERE "recordingSid" IS NOT NULL AND "recordingStatus" IS NOT NULL
ON CONFLICT ("recordingSid") DO NOTHING;

-- AlterTable
ALTER TABLE "Call" DROP COLUMN "recordingSeconds",
DROP COLUMN "recordingSid",
DROP COLUMN "recordingStatus";

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "auditRetentionDays" INTEGER NOT NULL DEFAULT 730,
ADD COLUMN     "callLogRetentionDays" INTEGER NOT NULL DEFAULT 365,
ADD COLUMN     "receptionistsHearRecordings" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "recordingRetentionDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "voicemailRetentionDays" INTEGER NOT NULL DEFAULT 90;

-- AlterTable
ALTER TABLE "Recording" ADD COLUMN     "deletedAtTwilio" TIMESTAMP(3),
ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "heldBy" UUID,
ADD COLUMN     "holdReason" TEXT,
ADD COLUMN     "legalHold" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sizeBytes" INTEGER,
ADD COLUMN     "storedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RecordingBlob" (
    "recordingId" UUID NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "RecordingBlob_pkey" PRIMARY KEY ("recordingId")
);

-- CreateTable
CREATE TABLE "ClinicKey" (
    "clinicId" UUID NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClinicKey_pkey" PRIMARY KEY ("clinicId")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "leaseUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "Recording_clinicId_kind_createdAt_idx" ON "Recording"("clinicId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Recording_callId_idx" ON "Recording"("callId");

-- AddForeignKey
ALTER TABLE "RecordingBlob" ADD CONSTRAINT "RecordingBlob_recordingId_fkey" FOREIGN KEY ("recordingId") REFERENCES "Recording"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ClinicKey" ADD CONSTRAINT "ClinicKey_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log is append-only: an UPDATE changes nothing, and a DELETE removes rows
-- only in the retention purge or a clinic's closure, which say so with
-- SET LOCAL clinic.audit_purge = 'on'. (Rules, not a plpgsql trigger: the schema
-- engine splits migration scripts at every semicolon, quoted or not.)
CREATE RULE "AuditEntry_no_update" AS ON UPDATE TO "AuditEntry" DO INSTEAD NOTHING;
CREATE RULE "AuditEntry_no_delete" AS ON DELETE TO "AuditEntry" WHERE current_setting('clinic.audit_purge', true) IS DISTINCT FROM 'on' DO INSTEAD NOTHING;
