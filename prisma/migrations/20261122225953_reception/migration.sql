-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "claimedBy" UUID,
ADD COLUMN     "queueSid" TEXT,
ADD COLUMN     "queueStatus" TEXT,
ADD COLUMN     "queuedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "maxQueueSize" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "maxQueueWaitSeconds" INTEGER NOT NULL DEFAULT 300,
ADD COLUMN     "textMessages" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Presence" (
    "userId" UUID NOT NULL,
    "available" BOOLEAN NOT NULL DEFAULT false,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Presence_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "Recording" (
    "id" UUID NOT NULL,
    "clinicId" UUID NOT NULL,
    "callId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "recordingSid" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "durationSeconds" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Recording_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallBack" (
    "id" UUID NOT NULL,
    "clinicId" UUID NOT NULL,
    "callId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "fromNumber" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),
    "doneBy" UUID,

    CONSTRAINT "CallBack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "leaseToken" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TextMessage" (
    "id" UUID NOT NULL,
    "clinicId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "toNumber" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "messageSid" TEXT,
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "TextMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WaitlistOffer" (
    "id" UUID NOT NULL,
    "clinicId" UUID NOT NULL,
    "waitlistEntryId" UUID NOT NULL,
    "practitionerId" UUID NOT NULL,
    "typeId" UUID NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "toNumber" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'offered',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),
    "appointmentId" UUID,

    CONSTRAINT "WaitlistOffer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Recording_recordingSid_key" ON "Recording"("recordingSid");

-- CreateIndex
CREATE INDEX "Recording_clinicId_createdAt_idx" ON "Recording"("clinicId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CallBack_callId_key" ON "CallBack"("callId");

-- CreateIndex
CREATE INDEX "CallBack_clinicId_doneAt_createdAt_idx" ON "CallBack"("clinicId", "doneAt", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_dedupeKey_key" ON "Job"("dedupeKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE UNIQUE INDEX "TextMessage_messageSid_key" ON "TextMessage"("messageSid");

-- CreateIndex
CREATE UNIQUE INDEX "TextMessage_dedupeKey_key" ON "TextMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "TextMessage_clinicId_createdAt_idx" ON "TextMessage"("clinicId", "createdAt");

-- CreateIndex
CREATE INDEX "WaitlistOffer_toNumber_status_idx" ON "WaitlistOffer"("toNumber", "status");

-- CreateIndex
CREATE UNIQUE INDEX "WaitlistOffer_waitlistEntryId_practitionerId_startsAt_key" ON "WaitlistOffer"("waitlistEntryId", "practitionerId", "startsAt");

-- CreateIndex
-- Hand-written: the callers waiting in each clinic's queue. Partial, so answering a
-- call (a row with no queue status) does not touch it: that insert is the hot path.
CREATE INDEX "Call_in_queue" ON "Call"("clinicId", "queuedAt") WHERE "queueStatus" IN ('waiting', 'claimed');

-- AddForeignKey
ALTER TABLE "Presence" ADD CONSTRAINT "Presence_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recording" ADD CONSTRAINT "Recording_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recording" ADD CONSTRAINT "Recording_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallBack" ADD CONSTRAINT "CallBack_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallBack" ADD CONSTRAINT "CallBack_callId_fkey" FOREIGN KEY ("callId") REFERENCES "Call"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TextMessage" ADD CONSTRAINT "TextMessage_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistOffer" ADD CONSTRAINT "WaitlistOffer_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistOffer" ADD CONSTRAINT "WaitlistOffer_waitlistEntryId_fkey" FOREIGN KEY ("waitlistEntryId") REFERENCES "WaitlistEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;
