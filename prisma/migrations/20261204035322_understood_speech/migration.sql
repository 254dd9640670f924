-- AlterTable
ALTER TABLE "AppointmentType" ADD COLUMN     "synonyms" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "emergencyAdvice" TEXT,
ADD COLUMN     "emergencyAdviceApprovedAt" TIMESTAMP(3),
ADD COLUMN     "urgentPhrases" TEXT;
