-- CreateTable
CREATE TABLE "CallStatsDay" (
    "clinicId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "callsByHour" INTEGER[],
    "calls" INTEGER NOT NULL,
    "askedForReception" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "answeredWithin20s" INTEGER NOT NULL,
    "answerSecondsTotal" INTEGER NOT NULL,
    "longestAnswerSeconds" INTEGER NOT NULL,
    "abandoned" INTEGER NOT NULL,
    "abandonedWaitSecondsTotal" INTEGER NOT NULL,
    "abandonedWaitCount" INTEGER NOT NULL,
    "voicemails" INTEGER NOT NULL,
    "booked" INTEGER NOT NULL,
    "moved" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "outOfHours" INTEGER NOT NULL,
    "callBacksRequested" INTEGER NOT NULL,
    "callBacksMade" INTEGER NOT NULL,
    "callSecondsTotal" INTEGER NOT NULL,
    "callSecondsCount" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CallStatsDay_pkey" PRIMARY KEY ("clinicId","day")
);

-- AddForeignKey
ALTER TABLE "CallStatsDay" ADD CONSTRAINT "CallStatsDay_clinicId_fkey" FOREIGN KEY ("clinicId") REFERENCES "Clinic"("id") ON DELETE CASCADE ON UPDATE CASCADE;
