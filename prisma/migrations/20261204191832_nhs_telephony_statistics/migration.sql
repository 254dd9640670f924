-- AlterTable
ALTER TABLE "CallStatsDay" ADD COLUMN     "cbt" JSONB;

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "odsCode" TEXT;
