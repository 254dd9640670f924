-- AlterTable
ALTER TABLE "CallStatsDay" ADD COLUMN     "urgent" INTEGER NOT NULL DEFAULT 0;
