// What a new clinic must set up before its line serves callers, shown to owners until
// all of it is done. The rules are a pure function of facts read in one place; the
// service cannot see Twilio's console, so "the number reaches us" is known only once
// a call has come in.
import type { Prisma } from '../db/database.js';
import type { SetupChecklist, SetupItem } from '../contracts/api.js';

export interface SetupFacts {
  /** Weekly reception-hours ranges. */
  receptionHourRanges: number;
  /** Active practitioners, each with whether they have weekly working hours. */
  practitioners: Array<{ name: string; hasHours: boolean }>;
  /** Active appointment types bookable by phone that an active practitioner offers. */
  phoneBookableTypes: number;
  emergencyAdviceApproved: boolean;
  /** A desk phone is set for reception. */
  deskPhone: boolean;
  /** Receptionists in the clinic. */
  receptionists: number;
  /** A person has answered a caller (in the browser or at the desk phone): whoever did is there to answer. */
  callAnswered: boolean;
  /** The clinic's numbers, E.164. */
  numbers: string[];
  /** A call has come in on any of them (kept in the call log, or counted in a kept day). */
  callReceived: boolean;
  /** Where Twilio must send a number's incoming calls. */
  voiceWebhook: string;
}

const namesOf = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** The checklist, in the order an owner would do it: the diary first, then who answers, then a test call. */
export function setupChecklist(f: SetupFacts): SetupChecklist {
  const withoutHours = f.practitioners.filter((p) => !p.hasHours).map((p) => p.name);
  const someoneAnswers = f.deskPhone || f.receptionists > 0 || f.callAnswered;
  const items: SetupItem[] = [
    {
      key: 'reception-hours',
      done: f.receptionHourRanges > 0,
      title: 'Reception hours',
      detail:
        f.receptionHourRanges > 0
          ? 'Callers are put through to reception in these hours.'
          : 'Without them reception is always closed: callers who ask for a person can only leave a message.',
      settingsSection: 'Reception hours',
    },
    {
      key: 'practitioner',
      done: f.practitioners.length > 0,
      title: 'A practitioner',
      detail:
        f.practitioners.length > 0
          ? `${f.practitioners.length} seeing patients.`
          : 'Add the people patients book with, and how the line says their names ("Dr Patel").',
      settingsSection: 'Practitioners',
    },
    {
      key: 'working-hours',
      done: f.practitioners.length > 0 && withoutHours.length === 0,
      title: "Practitioners' working hours",
      detail:
        f.practitioners.length === 0
          ? 'Each practitioner is offered only in their working hours.'
          : withoutHours.length > 0
            ? `${namesOf(withoutHours)} ${withoutHours.length === 1 ? 'has' : 'have'} no working hours, so no free times to offer.`
            : 'Every practitioner has working hours.',
      settingsSection: 'Practitioners',
    },
    {
      key: 'phone-booking',
      done: f.phoneBookableTypes > 0,
      title: 'An appointment type callers can book by phone',
      detail:
        f.phoneBookableTypes > 0
          ? `${f.phoneBookableTypes} bookable by phone.`
          : 'Add one with "bookable by phone" ticked and the practitioners who offer it; until then the line books nothing.',
      settingsSection: 'Appointment types',
    },
    {
      key: 'emergency-advice',
      done: f.emergencyAdviceApproved,
      title: 'Emergency advice approved',
      detail: f.emergencyAdviceApproved
        ? 'You have read and approved what callers who say an urgent phrase hear.'
        : 'Read the urgent phrases and the advice callers hear, change what your clinic needs, and approve them.',
      settingsSection: 'Urgent phrases and emergency advice',
    },
    {
      key: 'someone-answers',
      done: someoneAnswers,
      title: 'Someone to answer',
      detail: someoneAnswers
        ? 'Callers who ask for a person are put through in reception hours.'
        : 'Set the desk phone, invite a receptionist (Staff), or answer a call yourself (Live, "Start taking calls"): until someone answers, callers who ask for a person go to voicemail.',
      settingsSection: 'Phone line',
    },
    {
      key: 'first-call',
      done: f.callReceived,
      title: 'A first call',
      detail: f.callReceived
        ? 'Calls reach this service.'
        : `No call has reached ${namesOf(f.numbers)} yet. In Twilio's console set the number's "A call comes in" webhook to ${f.voiceWebhook} (README, "Twilio console, step by step"), then ring it.`,
      settingsSection: null,
    },
  ];
  return { done: items.every((i) => i.done), items };
}

/** Reads a clinic's set-up facts. */
export async function setupFacts(prisma: Prisma, clinicId: string, voiceWebhook: string): Promise<SetupFacts> {
  const [clinic, receptionHourRanges, practitioners, phoneBookableTypes, receptionists, answered, call, keptDay] =
    await Promise.all([
      prisma.clinic.findUniqueOrThrow({
        where: { id: clinicId },
        select: { emergencyAdviceApprovedAt: true, receptionNumber: true, numbers: { select: { e164: true } } },
      }),
      prisma.openingHours.count({ where: { clinicId } }),
      prisma.practitioner.findMany({
        where: { clinicId, active: true },
        select: { name: true, _count: { select: { workingHours: true } } },
        orderBy: { name: 'asc' },
      }),
      prisma.appointmentType.count({
        where: {
          clinicId,
          active: true,
          phoneBookable: true,
          practitioners: { some: { practitioner: { active: true } } },
        },
      }),
      prisma.membership.count({ where: { clinicId, role: 'receptionist' } }),
      prisma.call.findFirst({ where: { clinicId, answeredAt: { not: null } }, select: { id: true } }),
      prisma.call.findFirst({ where: { clinicId, direction: 'inbound' }, select: { id: true } }),
      prisma.callStatsDay.findFirst({ where: { clinicId, calls: { gt: 0 } }, select: { day: true } }),
    ]);
  return {
    receptionHourRanges,
    practitioners: practitioners.map((p) => ({ name: p.name, hasHours: p._count.workingHours > 0 })),
    phoneBookableTypes,
    emergencyAdviceApproved: clinic.emergencyAdviceApprovedAt !== null,
    deskPhone: clinic.receptionNumber !== null,
    receptionists,
    callAnswered: answered !== null,
    numbers: clinic.numbers.map((n) => n.e164).sort(),
    callReceived: Boolean(call ?? keptDay),
    voiceWebhook,
  };
}

/** The clinic's set-up checklist. */
export async function clinicSetup(prisma: Prisma, clinicId: string, voiceWebhook: string): Promise<SetupChecklist> {
  return setupChecklist(await setupFacts(prisma, clinicId, voiceWebhook));
}
