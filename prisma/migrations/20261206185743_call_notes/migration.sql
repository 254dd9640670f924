-- AlterTable
ALTER TABLE "Call" ADD COLUMN     "note" TEXT,
ADD COLUMN     "notedAt" TIMESTAMP(3),
ADD COLUMN     "notedBy" UUID;
