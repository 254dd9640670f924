-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "emergencyMessage" TEXT,
ADD COLUMN     "greeting" TEXT,
ADD COLUMN     "receptionNumber" TEXT,
ADD COLUMN     "recordCalls" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "recordingNotice" TEXT;

-- CreateTable
CREATE TABLE "Call" (
    "id" UUID NOT NULL,
    "callSid" TEXT NOT NULL,
    "clinicId" UUID NOT NULL,
    "fromNumber" TEXT NOT NULL,
    "toNumber" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "durationSeconds" INTEGER,
    "outcome" TEXT,
    "answeredBy" UUID,
    "lastSequenceNumber" INTEGER,
    "ivrState" JSONB,
    "recordingSid" TEXT,
    "recordingStatus" TEXT,
    "recordingSeconds" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallEvent" (
    "id" BIGSERIAL NOT NULL,
    "callId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "CallEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Call_callSid_key" ON "Call"("callSid");

-- CreateIndex
CREATE INDEX "Call_clinicId_startedAt_idx" ON "Call"("clinicId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CallEvent_dedupeKey_key" ON "CallEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "CallEvent_callId_at_idx" ON "CallEvent"("callId", "at");

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallEvent" ADD CONSTRAINT "CallEvent_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call"("id") ON DELETE CASCADE ON UPDATE CASCADE;
