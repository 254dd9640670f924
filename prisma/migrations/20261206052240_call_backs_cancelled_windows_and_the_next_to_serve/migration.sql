-- AlterTable
ALTER TABLE "CallBack" ADD COLUMN     "attemptId" UUID,
ADD COLUMN     "closedBecause" TEXT;

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "callBackWindows" BOOLEAN NOT NULL DEFAULT false;

-- Callers waiting on the line, and call-backs waiting to be rung, each in the order of their
-- places (ties by id): the next to serve is the first row of one or the other.
CREATE INDEX "Call_waiting_in_line" ON "Call"("clinicId", "queuedAt", "id") WHERE "queueStatus" = 'waiting' AND "endedAt" IS NULL;
CREATE INDEX "CallBack_to_ring" ON "CallBack"("clinicId", "joinedQueueAt", "id") WHERE "requestedInQueue" AND "doneAt" IS NULL AND "ringState" = 'waiting';

-- A caller ringing again from the number they asked to be called back on (to cancel it, or be told it stands).
CREATE INDEX "CallBack_pending_ring_number" ON "CallBack"("clinicId", "ringNumber") WHERE "requestedInQueue" AND "doneAt" IS NULL;

-- Entries closed before this column existed: rung back by the dialler when its last try connected, else by hand.
UPDATE "CallBack" b SET "closedBecause" = CASE
  WHEN b."ringState" = 'done' THEN 'rung_back'
  ELSE 'by_hand' END
WHERE b."doneAt" IS NOT NULL;
