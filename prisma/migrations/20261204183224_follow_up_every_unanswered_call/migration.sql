-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "callBackId" UUID,
ADD COLUMN     "missedBecause" TEXT;

-- AddForeignKey
ALTER TABLE "Call" ADD CONSTRAINT "Call_callBackId_fkey" FOREIGN KEY ("callBackId") REFERENCES "CallBack"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Calls an entry follows up (only calls that were followed up are in it, so the call insert does not grow).
CREATE INDEX "Call_followed_up" ON "Call"("callBackId") WHERE "callBackId" IS NOT NULL;

-- The calls entries already follow up.
UPDATE "Call" SET "callBackId" = b."id" FROM "CallBack" b WHERE b."callId" = "Call"."id";

-- Open entries for the same number before this change become one: the oldest keeps every call, and a message on any of them.
UPDATE "CallBack" k SET "reason" = 'voicemail' WHERE k."doneAt" IS NULL AND k."fromNumber" LIKE '+%' AND k."fromNumber" NOT IN ('+266696687', '+86282452253', '+7378742833', '+2562533') AND k."reason" <> 'voicemail' AND EXISTS (SELECT 1 FROM "CallBack" d WHERE d."clinicId" = k."clinicId" AND d."fromNumber" = k."fromNumber" AND d."doneAt" IS NULL AND d."reason" = 'voicemail');

UPDATE "Call" c SET "callBackId" = keep."id" FROM "CallBack" mine, LATERAL (SELECT o."id" FROM "CallBack" o WHERE o."clinicId" = mine."clinicId" AND o."fromNumber" = mine."fromNumber" AND o."doneAt" IS NULL ORDER BY o."createdAt", o."id" LIMIT 1) keep WHERE c."callBackId" = mine."id" AND mine."doneAt" IS NULL AND mine."fromNumber" LIKE '+%' AND mine."fromNumber" NOT IN ('+266696687', '+86282452253', '+7378742833', '+2562533') AND keep."id" <> mine."id";

DELETE FROM "CallBack" d WHERE d."doneAt" IS NULL AND d."fromNumber" LIKE '+%' AND NOT EXISTS (SELECT 1 FROM "Call" c WHERE c."callBackId" = d."id");

-- One open entry per number, which repeat calls join (withheld numbers each keep their own, Twilio's keypad spellings of ANONYMOUS, UNAVAILABLE, RESTRICTED and BLOCKED included: src/reception/call-backs.ts WITHHELD_NUMBERS).
CREATE UNIQUE INDEX "CallBack_open_per_number" ON "CallBack"("clinicId", "fromNumber") WHERE "doneAt" IS NULL AND "fromNumber" LIKE '+%' AND "fromNumber" NOT IN ('+266696687', '+86282452253', '+7378742833', '+2562533');
