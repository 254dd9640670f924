-- AlterTable
ALTER TABLE "Patient" ADD COLUMN     "guardianId" UUID,
ADD COLUMN     "guardianRelation" TEXT,
ADD COLUMN     "notes" TEXT,
ADD COLUMN     "otherPhones" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "Patient_otherPhones_idx" ON "Patient" USING GIN ("otherPhones");

-- CreateIndex
CREATE INDEX "Patient_guardianId_idx" ON "Patient"("guardianId");

-- AddForeignKey
ALTER TABLE "Patient" ADD CONSTRAINT "Patient_guardianId_fkey" FOREIGN KEY ("guardianId") REFERENCES "Patient"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Written by hand: what Prisma's schema language cannot say.

-- Nobody books for themselves.
ALTER TABLE "Patient" ADD CONSTRAINT "Patient_guardian_not_self" CHECK ("guardianId" <> "id");

-- Search that ignores accents and case ("siobhan" finds "Siobhán"). unaccent() is
-- only STABLE (its dictionary could change), so an index needs an IMMUTABLE wrapper
-- naming its dictionary, and it must be one statement: the migration runner splits at semicolons.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION patient_search_key(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
CREATE INDEX "Patient_name_folded" ON "Patient" USING gin (patient_search_key("name") gin_trgm_ops);
