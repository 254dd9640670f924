-- AlterTable
ALTER TABLE "CallBackAttempt" ADD COLUMN     "settledAt" TIMESTAMP(3);

-- One call-back in hand per person at a time, whichever instance reserves them.
CREATE UNIQUE INDEX "CallBack_one_in_hand_per_person" ON "CallBack"("reservedBy") WHERE "ringState" IN ('reserved', 'ringing');
