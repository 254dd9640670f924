// A clinic's diary set-up: practitioners and their hours, appointment types, reception's
// opening hours, closures, booking rules. Each change and its audit entry are one
// transaction, so the log never misses a change nor records one that did not happen.
import { type Actor, recordAudit } from '../core/audit.js';
import { InvalidInput, NotFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { formatClock, type WeeklyRange } from './local-time.js';

type SetupDeps = Pick<Services, 'db' | 'clock'>;
type Tx = PrismaTypes.TransactionClient;
type Hours = WeeklyRange[];
type AuditDetails = Record<string, string | number | boolean | string[]>;

/** Weekly ranges as people read them: [{ weekday: 1, start: "09:00", end: "12:30" }, …], in order. */
export const presentHours = (rows: Hours) =>
  [...rows]
    .sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)
    .map((r) => ({ weekday: r.weekday, start: formatClock(r.startMinute), end: formatClock(r.endMinute) }));

/** Runs a change and writes its audit entry in the same transaction. */
function audited<T>(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  change: (tx: Tx) => Promise<T>,
  entry: (result: T) => { action: string; subject: { type: string; id: string }; details?: AuditDetails },
): Promise<T> {
  return deps.db.prisma.$transaction(async (tx) => {
    const result = await change(tx);
    await recordAudit(tx, { actor: who.actor, clinicId: who.clinicId, ...entry(result) });
    return result;
  });
}

export async function practitionerIn(db: Prisma | Tx, clinicId: string, practitionerId: string, field?: string) {
  const found = await db.practitioner.findFirst({ where: { id: practitionerId, clinicId } });
  if (!found) throw new NotFound('No such practitioner', field);
  return found;
}

async function checkPractitioners(db: Prisma | Tx, clinicId: string, ids: string[]) {
  const found = await db.practitioner.count({ where: { id: { in: ids }, clinicId } });
  if (found !== new Set(ids).size) throw new NotFound('No such practitioner', 'practitionerIds');
}

// ---- Practitioners

export async function listPractitioners(deps: SetupDeps, clinicId: string) {
  const rows = await deps.db.prisma.practitioner.findMany({
    where: { clinicId },
    include: { workingHours: true },
    orderBy: { name: 'asc' },
  });
  return rows.map(({ workingHours, ...p }) => ({ ...p, hours: presentHours(workingHours) }));
}

export function addPractitioner(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  input: { name: string; spokenName?: string; active?: boolean },
) {
  return audited(
    deps,
    who,
    (tx) =>
      tx.practitioner.create({
        data: {
          clinicId: who.clinicId,
          name: input.name,
          spokenName: input.spokenName ?? input.name,
          active: input.active ?? true,
        },
      }),
    (p) => ({ action: 'practitioner.created', subject: { type: 'practitioner', id: p.id } }),
  );
}

export async function changePractitioner(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  practitionerId: string,
  changes: { name?: string; spokenName?: string; active?: boolean },
) {
  await practitionerIn(deps.db.prisma, who.clinicId, practitionerId);
  return audited(
    deps,
    who,
    (tx) => tx.practitioner.update({ where: { id: practitionerId }, data: changes }),
    (p) => ({
      action: 'practitioner.changed',
      subject: { type: 'practitioner', id: p.id },
      details: { fields: Object.keys(changes).sort() },
    }),
  );
}

export async function setWorkingHours(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  practitionerId: string,
  hours: Hours,
) {
  await practitionerIn(deps.db.prisma, who.clinicId, practitionerId);
  await audited(
    deps,
    who,
    async (tx) => {
      await tx.workingHours.deleteMany({ where: { practitionerId } });
      await tx.workingHours.createMany({ data: hours.map((h) => ({ ...h, practitionerId })) });
    },
    () => ({
      action: 'practitioner.hours_changed',
      subject: { type: 'practitioner', id: practitionerId },
      details: { ranges: hours.length },
    }),
  );
  return presentHours(hours);
}

// ---- Appointment types

const typeView = { include: { practitioners: { select: { practitionerId: true } } } } as const;
const presentType = <T extends { practitioners: Array<{ practitionerId: string }> }>({ practitioners, ...t }: T) => ({
  ...t,
  practitionerIds: practitioners.map((p) => p.practitionerId).sort(),
});

export interface AppointmentTypeInput {
  name: string;
  durationMinutes: number;
  bufferAfterMinutes: number;
  phoneBookable: boolean;
  synonyms: string[];
  active: boolean;
}

/** Words that name no one type: a synonym like these would make every booking that type. */
const GENERIC_WORDS = new Set(
  'appointment appointments booking book visit slot time check doctor nurse anything something consultation'.split(' '),
);

/** A type's synonyms must each name it alone: not a generic word, not another type's name or synonym. */
async function checkSynonyms(prisma: Prisma, clinicId: string, typeId: string | null, synonyms: string[]) {
  const fold = (w: string) =>
    w
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  const others = await prisma.appointmentType.findMany({
    where: { clinicId, ...(typeId ? { id: { not: typeId } } : {}) },
    select: { name: true, synonyms: true },
  });
  const taken = new Map(others.flatMap((t) => [t.name, ...t.synonyms].map((w) => [fold(w), t.name] as const)));
  synonyms.forEach((word, i) => {
    const key = fold(word);
    if (GENERIC_WORDS.has(key))
      throw new InvalidInput(`synonyms.${i}: "${word}" names no one type of appointment`, `synonyms.${i}`);
    if (taken.has(key))
      throw new InvalidInput(`synonyms.${i}: "${word}" already means ${taken.get(key)}`, `synonyms.${i}`);
  });
}

export async function listAppointmentTypes(deps: SetupDeps, clinicId: string) {
  const rows = await deps.db.prisma.appointmentType.findMany({
    where: { clinicId },
    ...typeView,
    orderBy: { name: 'asc' },
  });
  return rows.map(presentType);
}

export async function addAppointmentType(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  input: AppointmentTypeInput,
  practitionerIds: string[],
) {
  await checkPractitioners(deps.db.prisma, who.clinicId, practitionerIds);
  await checkSynonyms(deps.db.prisma, who.clinicId, null, input.synonyms);
  const created = await audited(
    deps,
    who,
    (tx) =>
      tx.appointmentType.create({
        data: {
          ...input,
          clinicId: who.clinicId,
          practitioners: { create: [...new Set(practitionerIds)].map((practitionerId) => ({ practitionerId })) },
        },
        ...typeView,
      }),
    (t) => ({ action: 'appointment_type.created', subject: { type: 'appointment_type', id: t.id } }),
  );
  return presentType(created);
}

/** Changes the fields sent, and replaces who offers the type when `practitionerIds` is given. */
export async function changeAppointmentType(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  typeId: string,
  changes: Partial<AppointmentTypeInput>,
  practitionerIds?: string[],
) {
  const current = await deps.db.prisma.appointmentType.findFirst({ where: { id: typeId, clinicId: who.clinicId } });
  if (!current) throw new NotFound('No such appointment type');
  if (practitionerIds) await checkPractitioners(deps.db.prisma, who.clinicId, practitionerIds);
  if (changes.synonyms) await checkSynonyms(deps.db.prisma, who.clinicId, typeId, changes.synonyms);
  const fields = [...Object.keys(changes), ...(practitionerIds ? ['practitionerIds'] : [])].sort();
  const changed = await audited(
    deps,
    who,
    async (tx) => {
      if (practitionerIds) {
        await tx.appointmentTypePractitioner.deleteMany({ where: { typeId } });
        await tx.appointmentTypePractitioner.createMany({
          data: [...new Set(practitionerIds)].map((practitionerId) => ({ practitionerId, typeId })),
        });
      }
      return tx.appointmentType.update({ where: { id: typeId }, data: changes, ...typeView });
    },
    () => ({
      action: 'appointment_type.changed',
      subject: { type: 'appointment_type', id: typeId },
      details: { fields },
    }),
  );
  return presentType(changed);
}

// ---- Reception's opening hours (when the phone line offers a person)

export async function openingHours(deps: SetupDeps, clinicId: string) {
  return presentHours(await deps.db.prisma.openingHours.findMany({ where: { clinicId } }));
}

export async function setOpeningHours(deps: SetupDeps, who: { clinicId: string; actor: Actor }, hours: Hours) {
  await audited(
    deps,
    who,
    async (tx) => {
      await tx.openingHours.deleteMany({ where: { clinicId: who.clinicId } });
      await tx.openingHours.createMany({ data: hours.map((h) => ({ ...h, clinicId: who.clinicId })) });
    },
    () => ({
      action: 'clinic.opening_hours_changed',
      subject: { type: 'clinic', id: who.clinicId },
      details: { ranges: hours.length },
    }),
  );
  return presentHours(hours);
}

// ---- Closures

/** Closures that have not ended yet. */
export function closuresAhead(deps: SetupDeps, clinicId: string) {
  return deps.db.prisma.closure.findMany({
    where: { clinicId, endsAt: { gt: deps.clock() } },
    orderBy: { startsAt: 'asc' },
  });
}

export async function addClosure(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  input: { startsAt: Date; endsAt: Date; practitionerId?: string | null; reason?: string | null },
) {
  if (input.practitionerId) await practitionerIn(deps.db.prisma, who.clinicId, input.practitionerId, 'practitionerId');
  return audited(
    deps,
    who,
    (tx) =>
      tx.closure.create({
        data: {
          clinicId: who.clinicId,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          practitionerId: input.practitionerId ?? null,
          reason: input.reason ?? null,
        },
      }),
    (c) => ({ action: 'closure.created', subject: { type: 'closure', id: c.id } }),
  );
}

export async function removeClosure(deps: SetupDeps, who: { clinicId: string; actor: Actor }, closureId: string) {
  await audited(
    deps,
    who,
    async (tx) => {
      const gone = await tx.closure.deleteMany({ where: { id: closureId, clinicId: who.clinicId } });
      if (gone.count === 0) throw new NotFound('No such closure');
    },
    () => ({ action: 'closure.removed', subject: { type: 'closure', id: closureId } }),
  );
}

// ---- Booking rules

const rulesView = { minNoticeMinutes: true, horizonDays: true } as const;

export function bookingRules(deps: SetupDeps, clinicId: string) {
  return deps.db.prisma.clinic.findUniqueOrThrow({ where: { id: clinicId }, select: rulesView });
}

export function changeBookingRules(
  deps: SetupDeps,
  who: { clinicId: string; actor: Actor },
  changes: { minNoticeMinutes?: number; horizonDays?: number },
) {
  return audited(
    deps,
    who,
    (tx) => tx.clinic.update({ where: { id: who.clinicId }, data: changes, select: rulesView }),
    () => ({
      action: 'clinic.booking_rules_changed',
      subject: { type: 'clinic', id: who.clinicId },
      details: { fields: Object.keys(changes).sort() },
    }),
  );
}
