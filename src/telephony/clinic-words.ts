// The clinic's own words for the phone line (its practitioners, the types callers may
// book by phone with their synonyms, its urgent phrases), read once per Twilio request.
import type { Prisma } from '../db/database.js';
import type { ClinicWords } from '../voice/call-step.js';
import type { Ivr } from './phone.js';

export async function loadClinicWords(prisma: Prisma, clinicId: string): Promise<ClinicWords> {
  const [practitioners, types, clinic] = await Promise.all([
    prisma.practitioner.findMany({
      where: { clinicId, active: true },
      select: { id: true, name: true, spokenName: true },
      orderBy: { name: 'asc' },
    }),
    prisma.appointmentType.findMany({
      where: {
        clinicId,
        active: true,
        phoneBookable: true,
        practitioners: { some: { practitioner: { active: true } } },
      },
      orderBy: { name: 'asc' },
      select: { id: true, name: true, synonyms: true, practitioners: { select: { practitionerId: true } } },
    }),
    prisma.clinic.findUnique({ where: { id: clinicId }, select: { urgentPhrases: true } }),
  ]);
  return {
    practitioners,
    types: types.map(({ practitioners: by, ...t }) => ({ ...t, practitionerIds: by.map((p) => p.practitionerId) })),
    urgentPhrases: clinic?.urgentPhrases ?? null,
  };
}

/** The appointment types a caller may book by phone, in the order the keypad offers them. */
export const phoneTypes = (ivr: Ivr): Array<{ id: string; name: string }> => ivr.call.words.types;
