// The clinic's own words for the phone line (its practitioners, the types callers may
// book by phone with their synonyms, its urgent phrases), needed on every Twilio request.
import type { Prisma } from '../db/database.js';
import { keepForEveryCall, type ClinicWords } from '../voice/call-step.js';
import type { Ivr } from './phone.js';

/** What changes only when the clinic's practitioners or types do: kept per instance. */
export type Vocabulary = Omit<ClinicWords, 'urgentPhrases'>;

/** The clinic as a webhook's own query read it: the version of its words and its urgent phrases. */
export interface ClinicWordsKey {
  id: string;
  /** Changed by database triggers whenever a practitioner, type or offer of the clinic changes. */
  wordsVersion: string;
  urgentPhrases: string | null;
}

/**
 * Each instance's copy of every clinic's words, read again only when the clinic's
 * `wordsVersion` (read by the webhook's own query, so on every request and on every
 * instance) differs from the one they were read under. A call never hears a
 * practitioner removed a moment ago, and the hot path saves two queries. Words read
 * after the version are never older than it, so a change racing a read is read again
 * on the next request, never kept.
 */
export class ClinicWordsCache {
  readonly #entries = new Map<string, { version: string; vocabulary: Promise<Vocabulary> }>();

  constructor(
    private readonly read: (clinicId: string) => Promise<Vocabulary>,
    /** Clinics kept at most (an operator's instance serves hundreds; the least recently read goes first). */
    private readonly capacity = 5_000,
  ) {}

  async wordsOf(clinic: ClinicWordsKey): Promise<ClinicWords> {
    let entry = this.#entries.get(clinic.id);
    this.#entries.delete(clinic.id); // re-inserted below: the Map's order is then the order of use
    if (entry?.version !== clinic.wordsVersion) {
      // The promise is kept, so requests arriving together for one clinic read its words once.
      entry = { version: clinic.wordsVersion, vocabulary: this.read(clinic.id).then(keepForEveryCall) };
      entry.vocabulary.catch(() => {
        if (this.#entries.get(clinic.id) === entry) this.#entries.delete(clinic.id);
      });
    }
    this.#entries.set(clinic.id, entry);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return { ...(await entry.vocabulary), urgentPhrases: clinic.urgentPhrases };
  }
}

/** A clinic's practitioners and the types callers may book by phone, as the phone line says them. */
export async function readVocabulary(prisma: Prisma, clinicId: string): Promise<Vocabulary> {
  const [practitioners, types] = await Promise.all([
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
  ]);
  return {
    practitioners,
    types: types.map(({ practitioners: by, ...t }) => ({ ...t, practitionerIds: by.map((p) => p.practitionerId) })),
  };
}

/** The appointment types a caller may book by phone, in the order the keypad offers them. */
export const phoneTypes = (ivr: Ivr): Array<{ id: string; name: string }> => ivr.call.words.types;
