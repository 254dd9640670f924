-- AlterTable
ALTER TABLE "CallBackAttempt" ADD COLUMN     "via" TEXT NOT NULL DEFAULT 'dialler';

-- Tries logged by hand at the desk before this column existed: no call of their own, one of the
-- desk's results, begun and ended at once (a dialler's try that was never placed has no call either,
-- but its result is its own).
UPDATE "CallBackAttempt" SET "via" = 'desk'
WHERE "callSid" IS NULL AND "staffId" IS NOT NULL AND "endedAt" = "startedAt"
  AND "result" IN ('spoke_to_them', 'left_message', 'no_answer', 'busy', 'wrong_number');
