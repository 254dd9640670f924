// Who is calling. Caller ID can be spoofed, so a patient on the caller's number is
// theirs to book for, change or cancel only once the caller keys that patient's date of birth.
import { isE164 } from '../core/validation.js';
import { patientsByPhone } from '../diary/patients.js';
import type { StepQuery } from '../voice/steps.js';
import type { Heard } from '../voice/call-step.js';
import type { Ivr } from './phone.js';

type BirthDateStep = 'book/dob' | 'book/known-dob' | 'change/dob';

/** The clinic's patients on the number the call comes from (none for a withheld number). */
export async function callersPatients(ivr: Ivr) {
  return isE164(ivr.call.fromNumber)
    ? patientsByPhone(ivr.deps.db.prisma, ivr.call.clinic.id, ivr.call.fromNumber)
    : [];
}

/** Three dates of birth on this call have matched nobody: no more guesses, a person instead. */
export const tooManyGuesses = (ivr: Ivr): boolean => (ivr.state().dobFailures ?? 0) >= MAX_BIRTH_DATE_GUESSES;
export const MAX_BIRTH_DATE_GUESSES = 3;

/** The date of birth the caller keyed (eight digits) or said, as `YYYY-MM-DD`; null when it is not one. */
export function birthDateHeard(ivr: Ivr, heard: Heard): string | null {
  if (heard.digits) return parseBirthDate(heard.digits, ivr.call.clinic.locale, ivr.deps.clock());
  return heard.understood?.birthDate ?? null;
}

/** The patients on the caller's number with this date of birth: the caller has shown they know it. */
export async function matchBirthDate(ivr: Ivr, keyed: string | null) {
  const matches = keyed ? (await callersPatients(ivr)).filter((patient) => patient.dateOfBirth === keyed) : [];
  // A real date that matched nobody is a guess; words that were no date at all are not.
  if (keyed && matches.length === 0)
    await ivr.saveState({ ...ivr.state(), dobFailures: (ivr.state().dobFailures ?? 0) + 1 });
  if (keyed && matches.length > 0)
    await ivr.saveState({
      ...ivr.state(),
      verifiedDob: keyed,
      ...(matches.length === 1 ? { verifiedPatientId: matches[0]!.id } : {}),
    });
  return matches;
}

/** The patients a step's URL offered by key (p1, p2 …), as they are on the caller's number. */
export async function offeredPatients(ivr: Ivr, q: Partial<Record<`p${number}`, string>>) {
  const ids = Object.entries(q)
    .filter(([k]) => /^p\d$/.test(k))
    .map(([, v]) => v);
  return (await callersPatients(ivr)).filter((p) => ids.includes(p.id));
}

/** "Tom", said among the patients offered: the one whose name has that word, when only one has. */
export function byFirstName(patients: Array<{ id: string; name: string }>, said: string): string | undefined {
  const word = said.trim().toLowerCase().split(/\s+/)[0] ?? '';
  const hits = patients.filter((p) => p.name.toLowerCase().split(/\s+/).includes(word));
  return hits.length === 1 ? hits[0]!.id : undefined;
}

/** A patient the caller picked by name among those whose date of birth they keyed: verified, or null. */
export async function pickVerified(ivr: Ivr, patientId: string | undefined): Promise<string | null> {
  const dob = ivr.state().verifiedDob;
  const chosen =
    patientId && dob
      ? (await callersPatients(ivr)).find((p) => p.id === patientId && p.dateOfBirth === dob)
      : undefined;
  if (!chosen) return null;
  await ivr.saveState({ ...ivr.state(), verifiedPatientId: chosen.id });
  return chosen.id;
}

export const usOrder = (locale: string) => locale.toLowerCase() === 'en-us';

/** Asks for eight keys of a date of birth; the answer goes to `path`, carrying what that step reads. */
export function askBirthDate<P extends BirthDateStep>(ivr: Ivr, path: P, params: StepQuery<P>): string {
  const how = usOrder(ivr.call.clinic.locale)
    ? 'month, day and year, for example 0 4 2 3 1 9 8 0'
    : 'day, month and year, for example 2 3 0 4 1 9 8 0';
  return ivr.ask(
    ivr.url<BirthDateStep>(path, params),
    `Please say the patient's date of birth, or key it as eight digits: ${how}.`,
    ivr.url<BirthDateStep>(path, { ...params, silence: '1' }),
    { digits: 8 },
  );
}

/** Eight keypad digits as a date of birth (DDMMYYYY, or MMDDYYYY for American clinics); null when not a real past date. */
export function parseBirthDate(digits: string | undefined, locale: string, now: Date): string | null {
  if (!digits || !/^\d{8}$/.test(digits)) return null;
  const [a, b, year] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4))];
  const [month, day] = usOrder(locale) ? [a, b] : [b, a];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1900 || date > now) return null;
  return date.toISOString().slice(0, 10);
}
