// Patients as the desk keeps them: names, numbers (the first is where texts go; caller
// ID matches any), date of birth, notes, and who books for them. Search ignores accents
// and case ("siobhan" finds "Siobhán") and finds any of a patient's numbers however it
// is written, or a date of birth.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { recordAudit, type Actor } from '../core/audit.js';
import { InvalidInput, NotFound } from '../core/errors.js';
import type { Database, Prisma } from '../db/database.js';
import { presentAppointment } from './appointments.js';

/** The country a clinic's locale implies, for reading numbers written without +country ("07700 900123"). */
export const countryOfLocale = (locale: string): CountryCode | undefined =>
  (locale.split('-')[1]?.toUpperCase() as CountryCode | undefined) ?? undefined;

/** A phone number as people write it, normalised to E.164 for caller-ID matching; undefined when it is not one. */
export function normalisePhone(text: string, locale: string): string | undefined {
  const parsed = parsePhoneNumberFromString(text, countryOfLocale(locale));
  return parsed?.isPossible() ? parsed.number : undefined;
}

const MAX_PHONES = 5;
const fields = {
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  /** One number (the older form of `phones`). */
  phone: z.string().trim().max(40, 'must be at most 40 characters').nullable().optional(),
  /** Every number, the main one (texts go there) first. */
  phones: z
    .array(z.string({ error: 'must be a phone number' }).trim().max(40, 'must be at most 40 characters'), {
      error: 'must be a list of phone numbers',
    })
    .max(MAX_PHONES, `may have at most ${MAX_PHONES} numbers`)
    .optional(),
  dateOfBirth: z.iso.date('must be a date like 1980-04-23').nullable().optional(),
  notes: z.string().trim().max(2000, 'must be at most 2,000 characters').nullable().optional(),
  guardianId: z.uuid({ error: 'must be a patient id' }).nullable().optional(),
  guardianRelation: z.string().trim().max(60, 'must be at most 60 characters').nullable().optional(),
};
const onePhoneField = (p: { phone?: unknown; phones?: unknown }) => p.phone === undefined || p.phones === undefined;
const bothPhones = { path: ['phones'], message: 'give the numbers as phones only (not phone as well)' };
export const patientInputSchema = z.strictObject(fields).refine(onePhoneField, bothPhones);
export const patientUpdateSchema = z
  .strictObject({ ...fields, name: fields.name.optional() })
  .refine(onePhoneField, bothPhones);
export type PatientInput = z.infer<typeof patientInputSchema>;
export type PatientUpdate = z.infer<typeof patientUpdateSchema>;

/** What a patient's summary reads. */
export const patientView = {
  id: true,
  name: true,
  phone: true,
  otherPhones: true,
  dateOfBirth: true,
  notes: true,
  guardianRelation: true,
  guardian: { select: { id: true, name: true } },
  createdAt: true,
  updatedAt: true,
} as const;

export const presentPatient = ({
  otherPhones,
  ...p
}: {
  id: string;
  name: string;
  phone: string | null;
  otherPhones: string[];
  dateOfBirth: Date | null;
  notes: string | null;
  guardianRelation: string | null;
  guardian: { id: string; name: string } | null;
  createdAt: Date;
  updatedAt: Date;
}) => ({
  ...p,
  phones: numbersOf({ phone: p.phone, otherPhones }),
  dateOfBirth: p.dateOfBirth ? p.dateOfBirth.toISOString().slice(0, 10) : null,
});

/** Text to find as itself inside a LIKE pattern: `%`, `_` and the escape character are not wildcards in a name. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** "23/04/1980", "23.4.1980" or "1980-04-23" as an ISO date; undefined when the text is not one. */
export function dateOfBirthIn(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim());
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : [];
  if (!y) return undefined;
  const date = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : undefined;
}

/**
 * By name — every word somewhere in it, accents and case ignored (the trigram index on
 * patient_search_key(name) serves it) — or by any of their numbers however written, or
 * by date of birth.
 */
export async function searchPatients(
  db: Pick<Database, 'sql' | 'prisma'>,
  clinicId: string,
  locale: string,
  query: string,
  limit = 20,
) {
  const digits = query.replace(/\D/g, '');
  const phone = digits.length >= 5 && !/[a-z]/i.test(query) ? normalisePhone(query, locale) : undefined;
  const born = dateOfBirthIn(query);
  const words = query.split(/\s+/).filter(Boolean).slice(0, 5);
  const values: unknown[] = [clinicId, phone ?? null, born ?? null, limit];
  const nameMatch = words.map((w) => {
    values.push(likeLiteral(w));
    return `patient_search_key(p."name") LIKE '%' || patient_search_key($${values.length}::text) || '%'`;
  });
  const rows = await db.sql<{ id: string }>(
    `SELECT p."id"::text AS "id" FROM "Patient" p
      WHERE p."clinicId" = $1::uuid AND (
        (${nameMatch.join(' AND ') || 'false'})
        OR ($2::text IS NOT NULL AND (p."phone" = $2::text OR $2::text = ANY(p."otherPhones")))
        OR ($3::date IS NOT NULL AND p."dateOfBirth" = $3::date))
      ORDER BY p."name", p."id" LIMIT $4::int`,
    values,
  );
  const found = await db.prisma.patient.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: patientView });
  const byId = new Map(found.map((p) => [p.id, p]));
  return rows.flatMap((r) => (byId.has(r.id) ? [presentPatient(byId.get(r.id)!)] : []));
}

/** Where a number is any of a patient's. */
export const onNumbers = (numbers: string[]) => ({
  OR: [{ phone: { in: numbers } }, { otherPhones: { hasSome: numbers } }],
});

/** Every number a patient has, the main one (where texts go) first. */
export const numbersOf = (p: { phone: string | null; otherPhones: string[] }) =>
  p.phone ? [p.phone, ...p.otherPhones] : p.otherPhones;

/** The number a call is with: whom it came from, or whom the clinic rang. */
export const otherParty = (c: { direction: string; fromNumber: string; toNumber: string }) =>
  c.direction === 'inbound' ? c.fromNumber : c.toNumber;

/** Calls with any of these numbers: from them, or the clinic's calls to them. */
export const callsWithNumbers = (numbers: string[]) => ({
  OR: [
    { direction: 'inbound', fromNumber: { in: numbers } },
    { direction: { not: 'inbound' }, toNumber: { in: numbers } },
  ],
});

/** The clinic's patients on one number: caller-ID matching (a family may share a phone). */
export async function patientsByPhone(prisma: Prisma, clinicId: string, e164: string) {
  return (
    await prisma.patient.findMany({
      where: { clinicId, ...onNumbers([e164]) },
      select: patientView,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    })
  ).map(presentPatient);
}

/** For each of these numbers, the names of the clinic's patients on it, so the desk sees names, not numbers. */
export async function namesOnNumbers(
  prisma: Prisma,
  clinicId: string,
  numbers: string[],
): Promise<(number: string) => Array<{ name: string }>> {
  const unique = [...new Set(numbers)];
  const patients = unique.length
    ? await prisma.patient.findMany({
        where: { clinicId, ...onNumbers(unique) },
        select: { name: true, phone: true, otherPhones: true },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      })
    : [];
  return (number) =>
    patients.filter((p) => p.phone === number || p.otherPhones.includes(number)).map((p) => ({ name: p.name }));
}

/** The numbers as given, each in E.164, without repeats; a bad one is a 400 naming it. */
function phonesFrom(input: { phone?: string | null; phones?: string[] }, locale: string): string[] | undefined {
  if (input.phones === undefined && input.phone === undefined) return undefined;
  const given = input.phones ?? (input.phone ? [input.phone] : []);
  const out: string[] = [];
  given.forEach((text, i) => {
    if (!text) return;
    const e164 = normalisePhone(text, locale);
    const field = input.phones ? `phones.${i}` : 'phone';
    if (!e164) throw new InvalidInput(`${field}: "${text}" is not a phone number`, field);
    if (!out.includes(e164)) out.push(e164);
  });
  return out;
}

/** A guardian must be another patient of the same clinic, and not someone they book for (no loops). */
async function checkGuardian(prisma: Prisma, clinicId: string, patientId: string | null, guardianId: string) {
  if (guardianId === patientId)
    throw new InvalidInput('guardianId: a patient cannot book for themselves', 'guardianId');
  let at: string | null = guardianId;
  for (let depth = 0; at && depth < 20; depth++) {
    const row: { guardianId: string | null } | null = await prisma.patient.findFirst({
      where: { id: at, clinicId },
      select: { guardianId: true },
    });
    if (!row) throw new NotFound('No such patient to book for them', 'guardianId');
    if (row.guardianId && row.guardianId === patientId)
      throw new InvalidInput('guardianId: that patient is booked for by this one', 'guardianId');
    at = row.guardianId;
  }
}

function checkBirthDate(dateOfBirth: string | null | undefined, now: Date) {
  if (dateOfBirth && dateOfBirth > now.toISOString().slice(0, 10))
    throw new InvalidInput('dateOfBirth: must not be in the future', 'dateOfBirth');
}

/** Registers a patient from the desk (audited, without their details: the audit log outlives erasure). */
export async function registerPatient(
  prisma: Prisma,
  clinic: { id: string; locale: string },
  input: PatientInput,
  who: { actor: Actor; now: Date },
) {
  const phones = phonesFrom(input, clinic.locale) ?? [];
  checkBirthDate(input.dateOfBirth, who.now);
  if (input.guardianId) await checkGuardian(prisma, clinic.id, null, input.guardianId);
  return prisma.$transaction(async (tx) => {
    const created = await tx.patient.create({
      data: {
        clinicId: clinic.id,
        name: input.name,
        phone: phones[0] ?? null,
        otherPhones: phones.slice(1),
        dateOfBirth: input.dateOfBirth ? new Date(input.dateOfBirth) : null,
        notes: input.notes || null,
        guardianId: input.guardianId ?? null,
        guardianRelation: input.guardianId ? input.guardianRelation || null : null,
      },
      select: patientView,
    });
    await recordAudit(tx, {
      actor: who.actor,
      action: 'patient.created',
      clinicId: clinic.id,
      subject: { type: 'patient', id: created.id },
    });
    return presentPatient(created);
  });
}

/** Changes what is given and leaves the rest; audited with the names of the fields changed, not their values. */
export async function updatePatient(
  prisma: Prisma,
  clinic: { id: string; locale: string },
  patientId: string,
  input: PatientUpdate,
  who: { actor: Actor; now: Date },
) {
  const existing = await prisma.patient.findFirst({ where: { id: patientId, clinicId: clinic.id } });
  if (!existing) throw new NotFound('No such patient');
  const phones = phonesFrom(input, clinic.locale);
  checkBirthDate(input.dateOfBirth, who.now);
  if (input.guardianId) await checkGuardian(prisma, clinic.id, patientId, input.guardianId);
  const data = {
    ...(input.name !== undefined && { name: input.name }),
    ...(phones && { phone: phones[0] ?? null, otherPhones: phones.slice(1) }),
    ...(input.dateOfBirth !== undefined && { dateOfBirth: input.dateOfBirth ? new Date(input.dateOfBirth) : null }),
    ...(input.notes !== undefined && { notes: input.notes || null }),
    ...(input.guardianId !== undefined && { guardianId: input.guardianId }),
    ...((input.guardianRelation !== undefined || input.guardianId === null) && {
      guardianRelation: input.guardianId === null ? null : input.guardianRelation || null,
    }),
  };
  return prisma.$transaction(async (tx) => {
    const updated = await tx.patient.update({ where: { id: existing.id }, data, select: patientView });
    await recordAudit(tx, {
      actor: who.actor,
      action: 'patient.updated',
      clinicId: clinic.id,
      subject: { type: 'patient', id: existing.id },
      details: { fields: Object.keys(data).sort() },
    });
    return presentPatient(updated);
  });
}

/**
 * A patient's record: details, whom they book for, appointments (newest first, with
 * how many they missed), calls from and to any of their numbers, texts, waiting-list
 * entries and open call-backs.
 */
export async function patientRecord(prisma: Prisma, clinicId: string, patientId: string) {
  const found = await prisma.patient.findFirst({
    where: { id: patientId, clinicId },
    select: {
      ...patientView,
      booksFor: { select: { id: true, name: true, guardianRelation: true }, orderBy: { name: 'asc' } },
      appointments: {
        orderBy: { startsAt: 'desc' },
        take: 50,
        include: { practitioner: { select: { name: true } }, type: { select: { name: true } } },
      },
    },
  });
  if (!found) throw new NotFound('No such patient');
  const { appointments, booksFor, ...patient } = found;
  const numbers = numbersOf(patient);
  const [noShows, calls, texts, waitlist, callBacks] = await Promise.all([
    prisma.appointment.count({ where: { clinicId, patientId, status: 'no_show' } }),
    numbers.length
      ? prisma.call.findMany({
          where: { clinicId, ...callsWithNumbers(numbers) },
          select: {
            id: true,
            direction: true,
            fromNumber: true,
            toNumber: true,
            startedAt: true,
            endedAt: true,
            outcome: true,
            status: true,
          },
          orderBy: { startedAt: 'desc' },
          take: 20,
        })
      : [],
    numbers.length
      ? prisma.textMessage.findMany({
          where: { clinicId, toNumber: { in: numbers } },
          select: { id: true, kind: true, toNumber: true, status: true, createdAt: true },
          orderBy: { createdAt: 'desc' },
          take: 20,
        })
      : [],
    prisma.waitlistEntry.findMany({
      where: { clinicId, patientId },
      select: {
        id: true,
        fromDate: true,
        toDate: true,
        createdAt: true,
        resolvedAt: true,
        type: { select: { name: true } },
        practitioner: { select: { name: true } },
      },
      orderBy: { createdAt: 'desc' },
    }),
    numbers.length
      ? prisma.callBack.findMany({
          where: { clinicId, doneAt: null, OR: [{ fromNumber: { in: numbers } }, { ringNumber: { in: numbers } }] },
          select: { id: true, reason: true, fromNumber: true, ringNumber: true, createdAt: true },
          orderBy: { createdAt: 'asc' },
        })
      : [],
  ]);
  return {
    ...presentPatient(patient),
    booksFor,
    noShows,
    appointments: appointments.map(presentAppointment),
    calls,
    texts,
    waitlist: waitlist.map((w) => ({
      ...w,
      fromDate: w.fromDate.toISOString().slice(0, 10),
      toDate: w.toDate.toISOString().slice(0, 10),
    })),
    callBacks,
  };
}
