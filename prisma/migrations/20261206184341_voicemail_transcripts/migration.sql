-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN     "transcribeVoicemails" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Recording" ADD COLUMN     "transcript" BYTEA,
ADD COLUMN     "transcriptStatus" TEXT,
ADD COLUMN     "transcriptionDeletedAtTwilio" TIMESTAMP(3),
ADD COLUMN     "transcriptionSid" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Recording_transcriptionSid_key" ON "Recording"("transcriptionSid");
