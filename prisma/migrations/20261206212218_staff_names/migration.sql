-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "name" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "name" TEXT;
