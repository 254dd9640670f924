// The diary as the desk reads it: a day's or a week's appointments, closures and
// working time, in the clinic's local time.
import { DateTime } from 'luxon';
import type { ClosureView, DiaryAppointment } from '../contracts/api.js';
import type { Database } from '../db/database.js';
import { LocalDay, type WeeklyRange } from './local-time.js';

/** An appointment as the dashboard shows it: the buffer after it is the diary's business. */
export const presentAppointment = <A extends { blockedUntil: Date }>({ blockedUntil: _buffer, ...a }: A) => a;

export interface DiaryQuery {
  date: string;
  view: 'day' | 'week';
  /** Only these practitioners (none: everyone active, and anyone with an appointment in the range). */
  practitionerIds?: readonly string[];
  /** Cancelled appointments too, marked so (the calendar shows them struck through). */
  includeCancelled?: boolean;
}

/**
 * When each practitioner works on each local day from `start` to `end` (start of
 * a day each), as instants: the calendar shades everything else. Computed on the
 * clinic's local days, so a 09:00 start stays 09:00 across a clock change.
 */
export function workingTime(
  practitioners: ReadonlyArray<{ id: string; workingHours: readonly WeeklyRange[] }>,
  start: DateTime,
  end: DateTime,
): Array<{ practitionerId: string; date: string; startsAt: Date; endsAt: Date }> {
  const out: Array<{ practitionerId: string; date: string; startsAt: Date; endsAt: Date }> = [];
  for (let day = new LocalDay(start); day.date < end; day = day.next()) {
    const date = day.date.toISODate()!;
    for (const p of practitioners)
      for (const range of [...p.workingHours].sort((a, b) => a.startMinute - b.startMinute))
        if (range.weekday === day.weekday)
          out.push({
            practitionerId: p.id,
            date,
            startsAt: new Date(day.atOrAfter(range.startMinute)),
            endsAt: new Date(day.atOrAfter(range.endMinute)),
          });
  }
  return out;
}

// One round trip each, joined in the database: the day view of a large clinic (50
// practitioners, 1,000 appointments) is read as fast as its rows can be (bench/day-view).
/** Our timestamps are UTC without a zone: written as JavaScript's toISOString() writes them. */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const DAY_APPOINTMENTS = {
  name: 'diary-appointments',
  // Instants as ISO text made by the database: the rows go to JSON as they come, with no
  // Date built and formatted again for each of a thousand appointments.
  text: `SELECT a."id"::text AS "id", a."practitionerId"::text AS "practitionerId",
      a."patientId"::text AS "patientId", a."typeId"::text AS "typeId",
      to_char(a."startsAt", ${ISO}) AS "startsAt", to_char(a."endsAt", ${ISO}) AS "endsAt", a."status"::text AS "status",
      a."source",
      pa."name" AS "patientName", t."name" AS "typeName", pr."name" AS "practitionerName"
    FROM "Appointment" a
      JOIN "Patient" pa ON pa."id" = a."patientId"
      JOIN "AppointmentType" t ON t."id" = a."typeId"
      JOIN "Practitioner" pr ON pr."id" = a."practitionerId"
    WHERE a."clinicId" = $1::uuid AND a."startsAt" >= $2 AND a."startsAt" < $3
      AND ($4::boolean OR a."status" <> 'cancelled')
      AND (cardinality($5::uuid[]) = 0 OR a."practitionerId" = ANY($5::uuid[]))
    ORDER BY a."startsAt", a."id"`,
};
const DAY_CLOSURES = {
  name: 'diary-closures',
  text: `SELECT c."id"::text AS "id", c."clinicId"::text AS "clinicId", c."practitionerId"::text AS "practitionerId",
      to_char(c."startsAt", ${ISO}) AS "startsAt", to_char(c."endsAt", ${ISO}) AS "endsAt", c."reason",
      to_char(c."createdAt", ${ISO}) AS "createdAt"
    FROM "Closure" c
    WHERE c."clinicId" = $1::uuid AND c."startsAt" < $3 AND c."endsAt" > $2
      AND (cardinality($4::uuid[]) = 0 OR c."practitionerId" IS NULL OR c."practitionerId" = ANY($4::uuid[]))
    ORDER BY c."startsAt", c."id"`,
};
const PRACTITIONERS_AND_HOURS = {
  name: 'diary-practitioners',
  text: `SELECT p."id"::text AS "id", p."name", w."weekday", w."startMinute", w."endMinute"
    FROM "Practitioner" p LEFT JOIN "WorkingHours" w ON w."practitionerId" = p."id"
    WHERE p."clinicId" = $1::uuid AND (CASE WHEN cardinality($2::uuid[]) = 0 THEN p."active" ELSE p."id" = ANY($2::uuid[]) END)
    ORDER BY p."name", p."id", w."startMinute"`,
};

export async function diaryView(
  db: Pick<Database, 'sql' | 'prisma'>,
  clinic: { id: string; timeZone: string },
  q: DiaryQuery,
) {
  const from = DateTime.fromISO(q.date, { zone: clinic.timeZone }).startOf(q.view === 'week' ? 'week' : 'day');
  const to = from.plus(q.view === 'week' ? { weeks: 1 } : { days: 1 });
  const range = { gte: from.toJSDate(), lt: to.toJSDate() };
  const chosen = [...(q.practitionerIds ?? [])];
  const [rows, closures, hours] = await Promise.all([
    db.sql<AppointmentRow>(DAY_APPOINTMENTS, [clinic.id, range.gte, range.lt, q.includeCancelled === true, chosen]),
    db.sql<ClosureView>(DAY_CLOSURES, [clinic.id, range.gte, range.lt, chosen]),
    db.sql<{ id: string; name: string; weekday: number | null; startMinute: number | null; endMinute: number | null }>(
      PRACTITIONERS_AND_HOURS,
      [clinic.id, chosen],
    ),
  ]);
  const staff = new Map<string, { id: string; name: string; workingHours: WeeklyRange[] }>();
  for (const h of hours) {
    const p = staff.get(h.id) ?? { id: h.id, name: h.name, workingHours: [] };
    staff.set(h.id, p);
    if (h.weekday !== null)
      p.workingHours.push({ weekday: h.weekday, startMinute: h.startMinute!, endMinute: h.endMinute! });
  }
  const appointments = rows.map(({ patientName, typeName, practitionerName, ...a }) => ({
    ...a,
    patient: { id: a.patientId, name: patientName },
    type: { id: a.typeId, name: typeName },
    practitioner: { id: a.practitionerId, name: practitionerName },
  }));
  // Someone who left keeps a column on the days they still have appointments.
  const leavers = new Map(
    appointments.filter((a) => !staff.has(a.practitionerId)).map((a) => [a.practitioner.id, a.practitioner]),
  );
  const days: string[] = [];
  for (let d = from; d < to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  return {
    timeZone: clinic.timeZone,
    from: from.toISO(),
    to: to.toISO(),
    days,
    practitioners: [...[...staff.values()].map(({ id, name }) => ({ id, name })), ...leavers.values()],
    working: workingTime([...staff.values()], from, to),
    appointments,
    closures,
  };
}

/** A row of DAY_APPOINTMENTS: the calendar's appointment, with its names flat. */
type AppointmentRow = Omit<DiaryAppointment, 'patient' | 'type' | 'practitioner'> & {
  patientName: string;
  typeName: string;
  practitionerName: string;
};
