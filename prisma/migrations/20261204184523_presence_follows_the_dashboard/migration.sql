-- AlterTable
ALTER TABLE "Presence" ADD COLUMN     "liveUntil" TIMESTAMP(3);
