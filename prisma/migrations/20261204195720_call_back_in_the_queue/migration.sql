-- AlterTable
ALTER TABLE "CallBack" ADD COLUMN     "attemptsMade" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "joinedQueueAt" TIMESTAMP(3),
ADD COLUMN     "notBefore" TIMESTAMP(3),
ADD COLUMN     "requestedInQueue" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reservedBy" UUID,
ADD COLUMN     "ringNumber" TEXT,
ADD COLUMN     "ringState" TEXT;

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "callBackAttempts" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "callBackRetryMinutes" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "queueCallBackAfterSeconds" INTEGER;

-- CreateTable
CREATE TABLE "CallBackAttempt" (
    "id" UUID NOT NULL,
    "callBackId" UUID NOT NULL,
    "clinicId" UUID NOT NULL,
    "staffId" UUID,
    "callSid" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "result" TEXT,
    "note" TEXT,

    CONSTRAINT "CallBackAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CallBackAttempt_callSid_key" ON "CallBackAttempt"("callSid");

-- CreateIndex
CREATE INDEX "CallBackAttempt_callBackId_idx" ON "CallBackAttempt"("callBackId");

-- AddForeignKey
ALTER TABLE "CallBackAttempt" ADD CONSTRAINT "CallBackAttempt_callBackId_fkey" FOREIGN KEY ("callBackId") REFERENCES "CallBack"("id") ON DELETE CASCADE ON UPDATE CASCADE;
