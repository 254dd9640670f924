// Whom or what an audit entry is about, in words, looked up when the log is read: the log
// itself keeps only ids, so once a patient is erased their entries say "an erased
// patient" and nothing more. Every lookup is scoped to the clinic reading its log.
import type { Prisma } from '../db/database.js';
import { type ClinicTime, dayAndTime, dayOf } from '../contracts/dates.js';
import { namesOnNumbers } from '../diary/patients.js';
import type { NameOf } from './audit-words.js';

/** The clinic whose log is read: its entries are about its own patients, in its own time. */
export interface ClinicWhere extends ClinicTime {
  id: string;
}

export interface SubjectRef {
  type: string;
  id: string;
}

const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);

const idsOf = (subjects: SubjectRef[], type: string) => [
  ...new Set(subjects.filter((s) => s.type === type).map((s) => s.id)),
];

/**
 * Describes each subject as things stand now. Returns a lookup that answers null for a
 * subject with nothing to say (the clinic itself).
 */
export async function describeSubjects(
  prisma: Prisma,
  clinic: ClinicWhere,
  subjects: SubjectRef[],
  nameOf: NameOf,
): Promise<(subject: SubjectRef) => string | null> {
  const clinicId = clinic.id;
  const ids = (type: string) => ({ id: { in: idsOf(subjects, type) }, clinicId });
  const [patients, appointments, recordings, calls, callBacks, practitioners, types, closures, feeds, invitations] =
    await Promise.all([
      prisma.patient.findMany({ where: ids('patient'), select: { id: true, name: true } }),
      prisma.appointment.findMany({
        where: ids('appointment'),
        select: {
          id: true,
          startsAt: true,
          patient: { select: { name: true } },
          type: { select: { name: true } },
          practitioner: { select: { name: true } },
        },
      }),
      prisma.recording.findMany({
        where: ids('recording'),
        select: {
          id: true,
          kind: true,
          call: { select: { startedAt: true, direction: true, fromNumber: true, toNumber: true } },
        },
      }),
      prisma.call.findMany({
        where: ids('call'),
        select: { id: true, startedAt: true, direction: true, fromNumber: true, toNumber: true },
      }),
      prisma.callBack.findMany({
        where: ids('call_back'),
        select: { id: true, createdAt: true, fromNumber: true, ringNumber: true },
      }),
      prisma.practitioner.findMany({ where: ids('practitioner'), select: { id: true, name: true } }),
      prisma.appointmentType.findMany({ where: ids('appointment_type'), select: { id: true, name: true } }),
      prisma.closure.findMany({
        where: ids('closure'),
        select: { id: true, startsAt: true, endsAt: true, practitioner: { select: { name: true } } },
      }),
      prisma.calendarFeed.findMany({
        where: ids('calendar_feed'),
        select: { id: true, practitioner: { select: { name: true } } },
      }),
      prisma.invitation.findMany({ where: ids('invitation'), select: { id: true, email: true, name: true } }),
    ]);

  // The patient's side of a call: who rang in, or who was rung.
  const patientNumber = (c: { direction: string; fromNumber: string; toNumber: string }) =>
    c.direction === 'inbound' ? c.fromNumber : c.toNumber;
  const numbers = [
    ...recordings.map((r) => patientNumber(r.call)),
    ...calls.map(patientNumber),
    ...callBacks.map((b) => b.ringNumber ?? b.fromNumber),
  ];
  const names = await namesOnNumbers(prisma, clinicId, numbers);
  const caller = (number: string) => {
    if (number === 'erased') return 'an erased patient';
    if (number === 'anonymous') return 'a withheld number';
    const known = names(number);
    return known.length ? known.map((p) => p.name).join(' or ') : number;
  };
  const callWords = (c: { direction: string; fromNumber: string; toNumber: string; startedAt: Date }) =>
    `${c.direction === 'inbound' ? 'from' : 'to'} ${caller(patientNumber(c))} on ${dayAndTime(c.startedAt, clinic)}`;

  const words = new Map<string, string>();
  const put = (type: string, id: string, text: string) => words.set(`${type}:${id}`, text);
  for (const p of patients) put('patient', p.id, p.name);
  for (const a of appointments)
    put(
      'appointment',
      a.id,
      `${possessive(a.patient.name)} ${a.type.name} on ${dayAndTime(a.startsAt, clinic)} with ${a.practitioner.name}`,
    );
  for (const r of recordings)
    put(
      'recording',
      r.id,
      `${r.kind === 'voicemail' ? 'the voicemail' : 'the recording of the call'} ${callWords(r.call)}`,
    );
  for (const c of calls) put('call', c.id, `the call ${callWords(c)}`);
  for (const b of callBacks)
    put(
      'call_back',
      b.id,
      `the call-back to ${caller(b.ringNumber ?? b.fromNumber)} (${dayAndTime(b.createdAt, clinic)})`,
    );
  for (const p of practitioners) put('practitioner', p.id, p.name);
  for (const t of types) put('appointment_type', t.id, t.name);
  for (const c of closures) {
    const last = new Date(c.endsAt.getTime() - 1);
    const days =
      dayOf(c.startsAt, clinic) === dayOf(last, clinic)
        ? dayOf(c.startsAt, clinic)
        : `${dayOf(c.startsAt, clinic)} to ${dayOf(last, clinic)}`;
    put('closure', c.id, `the closure ${days}${c.practitioner ? ` for ${c.practitioner.name}` : ''}`);
  }
  for (const f of feeds)
    put(
      'calendar_feed',
      f.id,
      f.practitioner ? `${possessive(f.practitioner.name)} calendar feed` : "the clinic's calendar feed",
    );
  for (const i of invitations) put('invitation', i.id, i.name ? `${i.name} (${i.email})` : i.email);

  // What is gone says only what it was.
  const gone: Record<string, string> = {
    patient: 'an erased patient',
    appointment: "an erased patient's appointment",
    recording: 'a recording since deleted',
    call: 'a call since deleted',
    call_back: 'a call-back since deleted',
    practitioner: 'a practitioner since removed',
    appointment_type: 'an appointment type since removed',
    closure: 'a closure since removed',
    calendar_feed: 'a calendar feed',
    invitation: 'an invitation',
  };
  return (subject) => {
    if (subject.type === 'user') return nameOf(subject.id);
    if (subject.type === 'clinic') return null;
    return words.get(`${subject.type}:${subject.id}`) ?? gone[subject.type] ?? null;
  };
}
