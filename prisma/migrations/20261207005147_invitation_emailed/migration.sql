-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "emailedAt" TIMESTAMP(3);
