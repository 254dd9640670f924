-- AlterTable
ALTER TABLE "CallBack" ADD COLUMN     "assignedAt" TIMESTAMP(3),
ADD COLUMN     "assignedTo" UUID;
