import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { InvalidInput, NotFound } from '../core/errors.js';
import type { Prisma } from '../db/database.js';
import { presentAppointment } from './appointments.js';

/** The country a clinic's locale implies, for reading numbers written without +country ("07700 900123"). */
export const countryOfLocale = (locale: string): CountryCode | undefined =>
  (locale.split('-')[1]?.toUpperCase() as CountryCode | undefined) ?? undefined;

/** A phone number as people write it, normalised to E.164 for caller-ID matching; undefined when it is not one. */
export function normalisePhone(text: string, locale: string): string | undefined {
  const parsed = parsePhoneNumberFromString(text, countryOfLocale(locale));
  return parsed?.isPossible() ? parsed.number : undefined;
}

export const patientInputSchema = z.strictObject({
  name: z.string({ error: 'is required' }).trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  phone: z.string().trim().max(40).nullable().optional(),
  dateOfBirth: z.iso.date('must be a date like 1980-04-23').nullable().optional(),
});

const view = { id: true, name: true, phone: true, dateOfBirth: true, createdAt: true } as const;
export const presentPatient = (p: {
  id: string;
  name: string;
  phone: string | null;
  dateOfBirth: Date | null;
  createdAt: Date;
}) => ({
  ...p,
  dateOfBirth: p.dateOfBirth ? p.dateOfBirth.toISOString().slice(0, 10) : null,
});

/** Text to find as itself inside a LIKE pattern: `%`, `_` and the escape character are not wildcards in a name. */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** By name (any part, any case) or by number, however it is written. */
export async function searchPatients(prisma: Prisma, clinicId: string, locale: string, query: string, limit = 20) {
  const phone = /\d{5,}/.test(query.replace(/\D/g, '')) ? normalisePhone(query, locale) : undefined;
  const rows = await prisma.patient.findMany({
    where: {
      clinicId,
      OR: [{ name: { contains: likeLiteral(query), mode: 'insensitive' } }, ...(phone ? [{ phone }] : [])],
    },
    select: view,
    orderBy: { name: 'asc' },
    take: limit,
  });
  return rows.map(presentPatient);
}

/** The clinic's patients on one number: caller-ID matching (a family may share a phone). */
export async function patientsByPhone(prisma: Prisma, clinicId: string, e164: string) {
  return (
    await prisma.patient.findMany({ where: { clinicId, phone: e164 }, select: view, orderBy: { name: 'asc' } })
  ).map(presentPatient);
}

/** Registers a patient from the desk; the number is kept in E.164, as caller ID arrives. */
export async function registerPatient(
  prisma: Prisma,
  clinic: { id: string; locale: string },
  input: z.infer<typeof patientInputSchema>,
) {
  const phone = input.phone ? normalisePhone(input.phone, clinic.locale) : null;
  if (input.phone && !phone) throw new InvalidInput('phone: is not a phone number', 'phone');
  const created = await prisma.patient.create({
    data: {
      clinicId: clinic.id,
      name: input.name,
      phone,
      dateOfBirth: input.dateOfBirth ? new Date(input.dateOfBirth) : null,
    },
    select: view,
  });
  return presentPatient(created);
}

/** A patient with their last 50 appointments, newest first. */
export async function patientRecord(prisma: Prisma, clinicId: string, patientId: string) {
  const found = await prisma.patient.findFirst({
    where: { id: patientId, clinicId },
    select: {
      ...view,
      appointments: {
        orderBy: { startsAt: 'desc' },
        take: 50,
        include: { practitioner: { select: { name: true } }, type: { select: { name: true } } },
      },
    },
  });
  if (!found) throw new NotFound('No such patient');
  const { appointments, ...patient } = found;
  return { ...presentPatient(patient), appointments: appointments.map(presentAppointment) };
}
