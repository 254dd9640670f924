-- What a caller said about themselves in the phone menu (a new patient's name, a date
-- of birth) is now dropped from the call's state when the call ends. Drop it from the
-- calls that ended before.
-- (Prisma's engine splits scripts at every semicolon, comments included.)
UPDATE "Call" SET "ivrState" = "ivrState" - ARRAY['newPatientName', 'newPatientDob', 'verifiedDob']::text[] WHERE "endedAt" IS NOT NULL AND "ivrState" IS NOT NULL;
