-- Recordings whose copies (or transcriptions) may still be at Twilio: the metrics count them
-- and find the oldest at every scrape, which must not read the whole table.
CREATE INDEX "Recording_at_twilio" ON "Recording"("createdAt") WHERE "deletedAtTwilio" IS NULL OR ("transcriptionSid" IS NOT NULL AND "transcriptionDeletedAtTwilio" IS NULL);
