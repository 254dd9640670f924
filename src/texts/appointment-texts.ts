// What a patient is texted when their appointment is booked, moved or cancelled,
// in the clinic's language and local time. Queued inside the change's transaction.
import { DateTime } from 'luxon';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import type { DiaryChange } from '../diary/booking.js';
import { queueText } from './texts.js';

type Tx = PrismaTypes.TransactionClient;

/** "Tuesday 8 June, 11:00" in the clinic's locale and time zone. */
export const textDateTime = (at: Date, timeZone: string, locale: string) =>
  DateTime.fromJSDate(at, { zone: timeZone })
    .setLocale(locale)
    .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });

/** The diary's changes, as texts to the patient (src/main/context.ts hands this to the diary). */
export async function textTheDiaryChange(tx: Tx, change: DiaryChange): Promise<void> {
  // A booking taken by replying to a text is confirmed in the reply itself.
  if (change.kind === 'booked' && change.source === 'text') return;
  await queueAppointmentText(tx, change.kind, change.appointmentId);
}

async function queueAppointmentText(
  tx: Tx,
  kind: 'booked' | 'moved' | 'cancelled',
  appointmentId: string,
): Promise<void> {
  const a = await tx.appointment.findUnique({
    where: { id: appointmentId },
    select: {
      clinicId: true,
      startsAt: true,
      patient: { select: { phone: true } },
      practitioner: { select: { spokenName: true } },
      type: { select: { name: true } },
      clinic: { select: { name: true, timeZone: true, locale: true, textMessages: true } },
    },
  });
  if (!a?.clinic.textMessages || !a.patient.phone) return;
  const when = textDateTime(a.startsAt, a.clinic.timeZone, a.clinic.locale);
  const what = `${a.type.name.toLowerCase()} with ${a.practitioner.spokenName}`;
  const body = {
    booked: `${a.clinic.name}: your ${what} is booked for ${when}. To change it, call us.`,
    moved: `${a.clinic.name}: your ${what} has moved to ${when}. To change it, call us.`,
    cancelled: `${a.clinic.name}: your ${what} on ${when} is cancelled. To book again, call us.`,
  }[kind];
  await queueText(tx, {
    clinicId: a.clinicId,
    kind,
    to: a.patient.phone,
    body,
    dedupeKey: `${kind}:${appointmentId}:${a.startsAt.toISOString()}`,
  });
}
