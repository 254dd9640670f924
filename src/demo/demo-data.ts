// The demo clinic's diary and history, so every screen of a first start has
// something to show: practitioners and their hours, appointment types, patients, a
// week of appointments around today and the last seven days of calls. The plan is
// pure (a seeded generator: the same day gives the same clinic); writing it is one
// transaction. Every name is invented and every number is in Ofcom's drama ranges.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Prisma } from '../db/database.js';
import { uuid7 } from '../db/uuid7.js';

const DAY_MINUTES = 24 * 60;
const hm = (h: number, m = 0) => h * 60 + m;
/** A wall-clock time on a local day (DST days included: the 09:00 of a changeover day is still 09:00). */
const atMinute = (day: DateTime, minute: number, second = 0) =>
  day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second });

/** Weekly hours as [weekday (1 = Monday), start minute, end minute] in the clinic's wall clock. */
type Hours = Array<[number, number, number]>;

export const DEMO_OPENING_HOURS: Hours = [1, 2, 3, 4, 5]
  .map((d): [number, number, number] => [d, hm(8), hm(18, 30)])
  .concat([[6, hm(9), hm(12)]]);

export const DEMO_PRACTITIONERS = [
  {
    key: 'patel',
    name: 'Anita Patel',
    spokenName: 'Dr Patel',
    hours: [1, 2, 3, 4, 5].flatMap((d): Hours => [
      [d, hm(9), hm(12, 30)],
      [d, hm(13, 30), hm(17)],
    ]),
  },
  {
    key: 'khan',
    name: 'Omar Khan',
    spokenName: 'Dr Khan',
    hours: [1, 2, 3, 4].map((d): [number, number, number] => [d, hm(9), hm(17)]),
  },
  {
    key: 'okafor',
    name: 'Grace Okafor',
    spokenName: 'Nurse Okafor',
    hours: [2, 4].map((d): [number, number, number] => [d, hm(8, 30), hm(16, 30)]),
  },
] as const;

export const DEMO_TYPES = [
  { key: 'checkup', name: 'Check-up', durationMinutes: 30, by: ['patel', 'khan'] },
  { key: 'short', name: 'Short consultation', durationMinutes: 15, by: ['patel', 'khan'] },
  { key: 'long', name: 'Long consultation', durationMinutes: 45, by: ['patel'] },
  { key: 'bloods', name: 'Blood test', durationMinutes: 15, by: ['okafor'] },
  { key: 'vaccine', name: 'Vaccination', durationMinutes: 15, by: ['okafor'] },
] as const;

const FIRST = [
  'Jane',
  'Sam',
  'Priya',
  'Tom',
  'Aisha',
  'Ben',
  'Chloe',
  'David',
  'Ella',
  'Farid',
  'Grace',
  'Harry',
  'Isla',
  'Jack',
  'Kemi',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Ravi',
  'Zara',
  'Owen',
  'Leah',
  'Yusuf',
  'Ruby',
];
const LAST = [
  'Doe',
  'Lee',
  'Shah',
  'Brown',
  'Khan',
  'Evans',
  'Wilson',
  'Taylor',
  'Jones',
  'Ahmed',
  'Clarke',
  'Hughes',
  'Murphy',
  'Green',
  'Adeyemi',
  'Walsh',
];
// Enough people that a fortnight's diary gives each two or three visits, not ten; every name different.
export const DEMO_PATIENT_COUNT = 150;

/** A small seeded generator (mulberry32): the plan depends on the day only. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

export interface PlannedPatient {
  name: string;
  phone: string;
  dateOfBirth: Date;
}

export interface PlannedAppointment {
  practitioner: (typeof DEMO_PRACTITIONERS)[number]['key'];
  type: (typeof DEMO_TYPES)[number]['key'];
  patient: number;
  startsAt: Date;
  endsAt: Date;
  status: 'booked' | 'attended' | 'no_show' | 'cancelled';
  source: 'phone' | 'dashboard';
}

export interface PlannedCall {
  callSid: string;
  fromNumber: string;
  startedAt: Date;
  durationSeconds: number;
  outcome: string | null;
  queuedAt: Date | null;
  answeredAt: Date | null;
  queueStatus: string | null;
  answeredByReceptionist: boolean;
  /** Why nobody answered (Call.missedBecause). */
  missedBecause: string | null;
  /** A call-back entry: asked for (voicemail, gave up waiting), and whether someone has rung back. */
  callBack: { reason: 'voicemail' | 'abandoned'; doneAfterMinutes: number | null } | null;
}

export interface DemoPlan {
  patients: PlannedPatient[];
  appointments: PlannedAppointment[];
  calls: PlannedCall[];
  waitlist: Array<{ patient: number; type: PlannedAppointment['type']; fromDate: string; toDate: string }>;
}

const isOpen = (hours: Hours, local: DateTime) =>
  hours.some(
    ([d, from, to]) =>
      d === local.weekday && local.hour * 60 + local.minute >= from && local.hour * 60 + local.minute < to,
  );

/**
 * The demo clinic around `now`: appointments from Monday of this week to Friday of
 * next (past ones attended or not, a few cancelled), and calls over the last seven
 * days up to `now`. Appointments fill each practitioner's hours on the 15-minute
 * grid without overlapping, as the diary would have booked them.
 */
export function planDemoClinic(now: Date, timeZone: string): DemoPlan {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const rng = generator(Number(today.toFormat('yyyyLLdd')));
  const phone = (n: number) => `+447700900${String(n).padStart(3, '0')}`;
  const patients: PlannedPatient[] = Array.from({ length: DEMO_PATIENT_COUNT }, (_, i) => ({
    name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
    phone: phone(100 + i),
    dateOfBirth: new Date(Date.UTC(1940 + rng.int(75), rng.int(12), 1 + rng.int(28))),
  }));

  const appointments: PlannedAppointment[] = [];
  const monday = today.minus({ days: today.weekday - 1 });
  for (let day = monday; day < monday.plus({ weeks: 2 }); day = day.plus({ days: 1 })) {
    const seenToday = new Set<number>();
    for (const practitioner of DEMO_PRACTITIONERS) {
      const types = DEMO_TYPES.filter((t) => (t.by as readonly string[]).includes(practitioner.key));
      for (const [weekday, from, to] of practitioner.hours) {
        if (weekday !== day.weekday) continue;
        // Fuller this week than next, as diaries are.
        const fill = day < monday.plus({ weeks: 1 }) ? 0.7 : 0.4;
        for (let minute = from; minute < to;) {
          const type = rng.pick(types);
          if (!rng.chance(fill) || minute + type.durationMinutes > to) {
            minute += 15;
            continue;
          }
          const startsAt = atMinute(day, minute);
          const endsAt = startsAt.plus({ minutes: type.durationMinutes });
          // Every draw is made whatever the outcome, so the diary is the same at any hour of the day.
          const [cancelled, noShow, drawn, byPhone] = [
            rng.chance(0.05),
            rng.chance(0.1),
            rng.int(patients.length),
            rng.chance(0.4),
          ];
          // One visit a day per patient: the next patient not yet seen that day.
          let patient = drawn;
          for (let tries = 0; tries < patients.length && seenToday.has(patient); tries++)
            patient = (patient + 1) % patients.length;
          seenToday.add(patient);
          const past = endsAt.toJSDate() <= now;
          const status = cancelled ? 'cancelled' : !past ? 'booked' : noShow ? 'no_show' : 'attended';
          appointments.push({
            practitioner: practitioner.key,
            type: type.key,
            patient,
            startsAt: startsAt.toJSDate(),
            endsAt: endsAt.toJSDate(),
            status,
            source: byPhone ? 'phone' : 'dashboard',
          });
          minute += type.durationMinutes;
        }
      }
    }
  }

  const calls: PlannedCall[] = [];
  for (let day = today.minus({ days: 6 }); day <= today; day = day.plus({ days: 1 })) {
    const count = day.weekday <= 5 ? 18 + rng.int(10) : day.weekday === 6 ? 4 : 2;
    const starts = Array.from({ length: count }, () => {
      // Mornings are busiest; a few calls come when reception is closed.
      const minute = rng.chance(0.1) ? rng.int(DAY_MINUTES) : hm(8) + Math.floor(rng.next() ** 1.6 * hm(10));
      return atMinute(day, minute, rng.int(60));
    }).sort((a, b) => a.toMillis() - b.toMillis());
    for (const start of starts) {
      const startedAt = start.toJSDate();
      const known = rng.chance(0.7);
      const call: PlannedCall = {
        callSid: 'CA' + Array.from({ length: 32 }, () => rng.int(16).toString(16)).join(''),
        fromNumber: known ? patients[rng.int(patients.length)]!.phone : phone(600 + rng.int(300)),
        startedAt,
        durationSeconds: 40 + rng.int(200),
        outcome: null,
        queuedAt: null,
        answeredAt: null,
        queueStatus: null,
        answeredByReceptionist: false,
        missedBecause: null,
        callBack: null,
      };
      const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);
      const roll = rng.next();
      if (!isOpen(DEMO_OPENING_HOURS, start)) {
        call.outcome = roll < 0.4 ? 'booked' : 'out_of_hours';
      } else if (roll < 0.3) {
        call.outcome = 'booked';
      } else if (roll < 0.36) {
        call.outcome = 'moved';
      } else if (roll < 0.41) {
        call.outcome = 'cancelled';
      } else if (roll < 0.8) {
        // Put through to reception and answered, mostly within 20 seconds.
        const wait = rng.chance(0.8) ? 3 + rng.int(17) : 21 + rng.int(70);
        Object.assign(call, {
          outcome: 'reception',
          queuedAt: at(25),
          answeredAt: at(25 + wait),
          queueStatus: 'answered',
          answeredByReceptionist: true,
          durationSeconds: 25 + wait + 60 + rng.int(300),
        });
      } else if (roll < 0.88) {
        Object.assign(call, {
          outcome: 'voicemail',
          queuedAt: at(25),
          queueStatus: 'left',
          missedBecause: rng.chance(0.5) ? 'longest_wait' : 'nobody_free',
          callBack: { reason: 'voicemail', doneAfterMinutes: rng.chance(0.6) ? 20 + rng.int(200) : null },
        });
      } else if (roll < 0.93) {
        const gaveUpAfter = 30 + rng.int(150);
        Object.assign(call, {
          outcome: 'abandoned',
          queuedAt: at(25),
          queueStatus: 'abandoned',
          missedBecause: 'hung_up_waiting',
          durationSeconds: 25 + gaveUpAfter,
          callBack: { reason: 'abandoned', doneAfterMinutes: rng.chance(0.6) ? 10 + rng.int(120) : null },
        });
      }
      // The rest hung up in the menu. Calls still to come today are drawn too (and dropped), so the day's earlier calls are the same at any hour.
      if (startedAt > now) continue;
      if (
        call.callBack?.doneAfterMinutes != null &&
        new Date(startedAt.getTime() + call.callBack.doneAfterMinutes * 60_000) > now
      )
        call.callBack.doneAfterMinutes = null;
      calls.push(call);
    }
  }

  const nextWeek = monday.plus({ weeks: 1 });
  const waitlist = [
    {
      patient: 3,
      type: 'checkup' as const,
      fromDate: today.toISODate()!,
      toDate: nextWeek.plus({ days: 4 }).toISODate()!,
    },
    {
      patient: 11,
      type: 'bloods' as const,
      fromDate: nextWeek.toISODate()!,
      toDate: nextWeek.plus({ days: 4 }).toISODate()!,
    },
  ];
  return { patients, appointments, calls, waitlist };
}

/** Writes the plan into an empty demo clinic, in one transaction. */
export async function seedDemoData(
  prisma: Prisma,
  clinic: { id: string; number: string },
  receptionistId: string,
  now: Date,
): Promise<DemoPlan> {
  const settings = await prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id }, select: { timeZone: true } });
  const plan = planDemoClinic(now, settings.timeZone);
  await prisma.$transaction(async (tx) => {
    await tx.clinic.update({
      where: { id: clinic.id },
      data: {
        emergencyMessage: 'If this is an emergency, hang up and call 999.',
        fallbackNumber: '+441632960999',
        minNoticeMinutes: 60,
      },
    });
    await tx.openingHours.createMany({
      data: DEMO_OPENING_HOURS.map(([weekday, startMinute, endMinute]) => ({
        clinicId: clinic.id,
        weekday,
        startMinute,
        endMinute,
      })),
    });
    const practitionerIds = new Map<string, string>();
    for (const p of DEMO_PRACTITIONERS) {
      const row = await tx.practitioner.create({
        data: {
          clinicId: clinic.id,
          name: p.name,
          spokenName: p.spokenName,
          workingHours: {
            create: p.hours.map(([weekday, startMinute, endMinute]) => ({ weekday, startMinute, endMinute })),
          },
        },
      });
      practitionerIds.set(p.key, row.id);
    }
    const typeIds = new Map<string, string>();
    for (const t of DEMO_TYPES) {
      const row = await tx.appointmentType.create({
        data: {
          clinicId: clinic.id,
          name: t.name,
          durationMinutes: t.durationMinutes,
          practitioners: { create: t.by.map((key) => ({ practitionerId: practitionerIds.get(key)! })) },
        },
      });
      typeIds.set(t.key, row.id);
    }
    const patientIds = plan.patients.map(() => randomUUID());
    await tx.patient.createMany({
      data: plan.patients.map((p, i) => ({
        id: patientIds[i],
        clinicId: clinic.id,
        name: p.name,
        phone: p.phone,
        dateOfBirth: p.dateOfBirth,
      })),
    });
    await tx.appointment.createMany({
      data: plan.appointments.map((a) => ({
        clinicId: clinic.id,
        practitionerId: practitionerIds.get(a.practitioner)!,
        typeId: typeIds.get(a.type)!,
        patientId: patientIds[a.patient]!,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        blockedUntil: a.endsAt,
        status: a.status,
        source: a.source,
        createdBy: a.source === 'dashboard' ? receptionistId : null,
        ...(a.status === 'cancelled'
          ? {
              cancelledAt: new Date(a.startsAt.getTime() - 86_400_000),
              cancelledBy: receptionistId,
              cancelReason: 'Patient asked to cancel',
            }
          : {}),
      })),
    });
    const callIds = plan.calls.map((c) => uuid7(c.startedAt.getTime()));
    await tx.call.createMany({
      data: plan.calls.map((c, i) => ({
        id: callIds[i],
        callSid: c.callSid,
        clinicId: clinic.id,
        fromNumber: c.fromNumber,
        toNumber: clinic.number,
        direction: 'inbound',
        status: 'completed',
        startedAt: c.startedAt,
        endedAt: new Date(c.startedAt.getTime() + c.durationSeconds * 1000),
        durationSeconds: c.durationSeconds,
        outcome: c.outcome,
        queuedAt: c.queuedAt,
        answeredAt: c.answeredAt,
        queueStatus: c.queueStatus,
        answeredBy: c.answeredByReceptionist ? receptionistId : null,
        missedBecause: c.missedBecause,
      })),
    });
    // One open entry per number, as the line keeps it: a later unanswered call from the same number joins it.
    const entries: Array<{ id: string; first: number; reason: string; doneAt: Date | null; calls: number[] }> = [];
    const openFor = new Map<string, (typeof entries)[number]>();
    plan.calls.forEach((c, i) => {
      if (!c.callBack) return;
      const open = openFor.get(c.fromNumber);
      if (open && (open.doneAt === null || open.doneAt > c.startedAt)) {
        open.calls.push(i);
        if (c.callBack.reason === 'voicemail') open.reason = 'voicemail';
        return;
      }
      const doneAt =
        c.callBack.doneAfterMinutes === null
          ? null
          : new Date(c.startedAt.getTime() + c.callBack.doneAfterMinutes * 60_000);
      const entry = { id: randomUUID(), first: i, reason: c.callBack.reason, doneAt, calls: [i] };
      entries.push(entry);
      openFor.set(c.fromNumber, entry);
    });
    await tx.callBack.createMany({
      data: entries.map((e) => {
        const c = plan.calls[e.first]!;
        return {
          id: e.id,
          clinicId: clinic.id,
          callId: callIds[e.first]!,
          reason: e.reason,
          fromNumber: c.fromNumber,
          createdAt: new Date(c.startedAt.getTime() + c.durationSeconds * 1000),
          doneAt: e.doneAt,
          doneBy: e.doneAt === null ? null : receptionistId,
        };
      }),
    });
    const links = entries.flatMap((e) => e.calls.map((i) => [callIds[i]!, e.id] as const));
    await tx.$executeRaw`UPDATE "Call" c SET "callBackId" = v.entry FROM unnest(${links.map((l) => l[0])}::uuid[], ${links.map((l) => l[1])}::uuid[]) AS v(call, entry) WHERE c."id" = v.call`;
    await tx.waitlistEntry.createMany({
      data: plan.waitlist.map((w) => ({
        clinicId: clinic.id,
        patientId: patientIds[w.patient]!,
        typeId: typeIds.get(w.type)!,
        fromDate: new Date(`${w.fromDate}T00:00:00Z`),
        toDate: new Date(`${w.toDate}T00:00:00Z`),
      })),
    });
  });
  return plan;
}
