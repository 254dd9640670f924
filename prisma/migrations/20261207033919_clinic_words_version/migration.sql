-- The phone line's words (a clinic's practitioners, its phone-bookable types, their
-- synonyms and who offers them) are read on every webhook. Each instance now keeps them
-- under the clinic's "wordsVersion", which these triggers change whenever any of those
-- rows changes, by whatever path (the API, the CLI, the demo, a backup restore, SQL by
-- hand). A random value, not a counter: a clinic removed and made again, or a database
-- restored, can never show a value an instance already holds for other words.

-- AlterTable
ALTER TABLE "Clinic" ADD COLUMN IF NOT EXISTS "wordsVersion" UUID NOT NULL DEFAULT gen_random_uuid();

-- Each function body is an escaped string (E-quoted) with \073 for every semicolon: the
-- schema engine sends a migration to PostgreSQL one statement at a time, cut at every
-- semicolon, even inside dollar quotes, each committed on its own. So every statement
-- may run again after a failure part-way (IF NOT EXISTS, OR REPLACE, DROP ... IF EXISTS).

-- A practitioner or an appointment type (both carry their clinic).
CREATE OR REPLACE FUNCTION clinic_words_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Clinic" SET "wordsVersion" = gen_random_uuid() WHERE "id" IN (NEW."clinicId", OLD."clinicId")\073
  RETURN NULL\073
END';

-- Who offers a type (the clinic is the type's).
CREATE OR REPLACE FUNCTION clinic_offer_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Clinic" SET "wordsVersion" = gen_random_uuid()
  WHERE "id" IN (SELECT "clinicId" FROM "AppointmentType" WHERE "id" IN (NEW."typeId", OLD."typeId"))\073
  RETURN NULL\073
END';

DROP TRIGGER IF EXISTS "Practitioner_words_added_or_removed" ON "Practitioner";
CREATE TRIGGER "Practitioner_words_added_or_removed" AFTER INSERT OR DELETE ON "Practitioner"
  FOR EACH ROW EXECUTE FUNCTION clinic_words_changed();
DROP TRIGGER IF EXISTS "Practitioner_words_changed" ON "Practitioner";
CREATE TRIGGER "Practitioner_words_changed" AFTER UPDATE ON "Practitioner"
  FOR EACH ROW WHEN ((OLD."id", OLD."clinicId", OLD."name", OLD."spokenName", OLD."active") IS DISTINCT FROM (NEW."id", NEW."clinicId", NEW."name", NEW."spokenName", NEW."active"))
  EXECUTE FUNCTION clinic_words_changed();

DROP TRIGGER IF EXISTS "AppointmentType_words_added_or_removed" ON "AppointmentType";
CREATE TRIGGER "AppointmentType_words_added_or_removed" AFTER INSERT OR DELETE ON "AppointmentType"
  FOR EACH ROW EXECUTE FUNCTION clinic_words_changed();
DROP TRIGGER IF EXISTS "AppointmentType_words_changed" ON "AppointmentType";
CREATE TRIGGER "AppointmentType_words_changed" AFTER UPDATE ON "AppointmentType"
  FOR EACH ROW WHEN ((OLD."id", OLD."clinicId", OLD."name", OLD."synonyms", OLD."active", OLD."phoneBookable") IS DISTINCT FROM (NEW."id", NEW."clinicId", NEW."name", NEW."synonyms", NEW."active", NEW."phoneBookable"))
  EXECUTE FUNCTION clinic_words_changed();

DROP TRIGGER IF EXISTS "AppointmentTypePractitioner_words_changed" ON "AppointmentTypePractitioner";
CREATE TRIGGER "AppointmentTypePractitioner_words_changed" AFTER INSERT OR UPDATE OR DELETE ON "AppointmentTypePractitioner"
  FOR EACH ROW EXECUTE FUNCTION clinic_offer_changed();

-- TRUNCATE fires no row triggers: it changes every clinic's words at once.
CREATE OR REPLACE FUNCTION clinic_words_all_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE "Clinic" SET "wordsVersion" = gen_random_uuid()\073
  RETURN NULL\073
END';
DROP TRIGGER IF EXISTS "Practitioner_words_truncated" ON "Practitioner";
CREATE TRIGGER "Practitioner_words_truncated" AFTER TRUNCATE ON "Practitioner"
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_words_all_changed();
DROP TRIGGER IF EXISTS "AppointmentType_words_truncated" ON "AppointmentType";
CREATE TRIGGER "AppointmentType_words_truncated" AFTER TRUNCATE ON "AppointmentType"
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_words_all_changed();
DROP TRIGGER IF EXISTS "AppointmentTypePractitioner_words_truncated" ON "AppointmentTypePractitioner";
CREATE TRIGGER "AppointmentTypePractitioner_words_truncated" AFTER TRUNCATE ON "AppointmentTypePractitioner"
  FOR EACH STATEMENT EXECUTE FUNCTION clinic_words_all_changed();
