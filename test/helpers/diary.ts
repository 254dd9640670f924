import type { Prisma } from '../../src/db/database.js';
import { makeClinic } from './fixtures.js';

const weekdays = (start: number, end: number) =>
  [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: start, endMinute: end }));

/** A clinic with Dr Patel and Dr Khan (Mon–Fri 09:00–17:00), a 30-minute check-up both offer, and a patient. */
export async function makeDiary(prisma: Prisma, options: { timeZone?: string; bufferAfterMinutes?: number } = {}) {
  const clinic = await makeClinic(prisma, { timeZone: options.timeZone ?? 'Europe/London' });
  const patel = await prisma.practitioner.create({
    data: {
      clinicId: clinic.id,
      name: 'Anita Patel',
      spokenName: 'Dr Patel',
      workingHours: { create: weekdays(9 * 60, 17 * 60) },
    },
  });
  const khan = await prisma.practitioner.create({
    data: {
      clinicId: clinic.id,
      name: 'Omar Khan',
      spokenName: 'Dr Khan',
      workingHours: { create: weekdays(9 * 60, 17 * 60) },
    },
  });
  const checkUp = await prisma.appointmentType.create({
    data: {
      clinicId: clinic.id,
      name: 'Check-up',
      durationMinutes: 30,
      bufferAfterMinutes: options.bufferAfterMinutes ?? 0,
      practitioners: { create: [{ practitionerId: patel.id }, { practitionerId: khan.id }] },
    },
  });
  const patient = await prisma.patient.create({
    data: { clinicId: clinic.id, name: 'Jane Doe', phone: '+447700900123', dateOfBirth: new Date('1980-04-23') },
  });
  return { clinic, patel, khan, checkUp, patient };
}

/** An appointment written straight into the diary (no rules checked): for setting a scene, not for testing booking. */
export function placeAppointment(
  prisma: Prisma,
  at: { clinicId: string; practitionerId: string; patientId: string; typeId: string },
  startsAt: string,
  options: { minutes?: number; status?: 'booked' | 'attended' | 'no_show' | 'cancelled' } = {},
) {
  const start = new Date(startsAt);
  const end = new Date(start.getTime() + (options.minutes ?? 30) * 60_000);
  return prisma.appointment.create({
    data: { ...at, startsAt: start, endsAt: end, blockedUntil: end, source: 'dashboard', status: options.status },
  });
}

/** The clinic's reception open Monday to Friday from `start` to `end` (minutes of the day: 08:00–18:00 unless said). */
export async function openReceptionWeekdays(prisma: Prisma, clinicId: string, start = 8 * 60, end = 18 * 60) {
  await prisma.openingHours.createMany({ data: weekdays(start, end).map((hours) => ({ clinicId, ...hours })) });
}
