// Changing or cancelling by phone. Caller ID can be spoofed, so nothing is read
// out (not even a name) or changed before the caller keys the patient's date of birth.
import { cancelAppointment, moveAppointment, SlotTakenError } from '../diary/booking.js';
import { offerSlots, type SlotStep, spokenNames } from './booking-line.js';
import { askBirthDate, callersPatients, matchBirthDate, pickVerified } from './identity.js';
import { type Ivr, outcomeAlongWith } from './phone.js';
import { reception } from './reception-hours.js';
import { MAX_MENU_ATTEMPTS } from './menu.js';
import type { Params } from '../voice/call-step.js';
import { speakSlot } from '../voice/speech.js';
import { choiceOf, type StepQuery } from '../voice/steps.js';

export async function changeStart(ivr: Ivr): Promise<string> {
  const patients = await callersPatients(ivr);
  if (patients.length === 0) {
    ivr.say("I can't find any appointments for the number you're calling from, so I'll put you through to reception.");
    return reception(ivr);
  }
  if (!patients.some((p) => p.dateOfBirth)) {
    ivr.say("I can't check who you are by phone, so I'll put you through to reception.");
    return reception(ivr);
  }
  // No name is said before the caller keys a date of birth that belongs to someone on this number.
  return askBirthDate(ivr, 'change/dob', { attempt: '1' });
}

/** A family number: the caller picks by name among the patients whose date of birth they keyed. */
export async function changeWho(ivr: Ivr, q: StepQuery<'change/who'>, body: Params): Promise<string> {
  const patient = await pickVerified(ivr, choiceOf(q, 'p', body.Digits));
  if (!patient) return changeStart(ivr);
  return listAppointments(ivr, patient);
}

/** The date of birth must match before anything is said about the patient or their appointments. */
export async function changeCheckBirthDate(ivr: Ivr, q: StepQuery<'change/dob'>, body: Params): Promise<string> {
  const attempt = Number(q.attempt ?? '1');
  const matches = await matchBirthDate(ivr, body.Digits);
  if (matches.length === 1) return listAppointments(ivr, matches[0]!.id);
  if (matches.length > 1) {
    const options = matches.map((p, i) => `For ${p.name}, press ${i + 1}.`).join(' ');
    return ivr.ask(
      ivr.url('change/who', Object.fromEntries(matches.map((p, i) => [`p${i + 1}`, p.id]))),
      `Whose appointment is it? ${options}`,
      ivr.url('menu', { silence: '1' }),
    );
  }
  if (attempt >= MAX_MENU_ATTEMPTS) {
    ivr.say("Sorry, that doesn't match our records, so I'll put you through to reception.");
    return reception(ivr);
  }
  ivr.say("Sorry, that doesn't match our records.");
  return askBirthDate(ivr, 'change/dob', { attempt: String(attempt + 1) });
}

/** The verified patient, or null when this call has not verified one (a URL alone proves nothing). */
function verifiedPatient(ivr: Ivr): string | null {
  return ivr.state().verifiedPatientId ?? null;
}

async function upcoming(ivr: Ivr, patientId: string) {
  return ivr.deps.db.prisma.appointment.findMany({
    where: { patientId, clinicId: ivr.call.clinic.id, status: 'booked', startsAt: { gt: ivr.deps.clock() } },
    orderBy: { startsAt: 'asc' },
    take: 3,
    include: { practitioner: { select: { spokenName: true } } },
  });
}

const describe = (ivr: Ivr, a: { startsAt: Date; practitioner: { spokenName: string } }) =>
  speakSlot({ startsAt: a.startsAt, spokenName: a.practitioner.spokenName }, ivr.speakOptions());

async function listAppointments(ivr: Ivr, patientId: string): Promise<string> {
  const appointments = await upcoming(ivr, patientId);
  if (appointments.length === 0) {
    ivr.say('There are no upcoming appointments to change.');
    return ivr.ask(ivr.url('menu', { attempt: '1' }), 'To book one, press 1.', ivr.url('goodbye'));
  }
  if (appointments.length === 1)
    return chooseAction(ivr, appointments[0]!.id, `Your next appointment is ${describe(ivr, appointments[0]!)}.`);
  const options = appointments.map((a, i) => `For ${describe(ivr, a)}, press ${i + 1}.`).join(' ');
  return ivr.ask(
    ivr.url('change/which', Object.fromEntries(appointments.map((a, i) => [`a${i + 1}`, a.id]))),
    `Which appointment? ${options}`,
    ivr.url('menu', { silence: '1' }),
  );
}

export async function changeWhich(ivr: Ivr, q: StepQuery<'change/which'>, body: Params): Promise<string> {
  const patientId = verifiedPatient(ivr);
  if (!patientId) return reception(ivr);
  const id = choiceOf(q, 'a', body.Digits);
  const appointment = id ? (await upcoming(ivr, patientId)).find((a) => a.id === id) : undefined;
  if (!appointment) return listAppointments(ivr, patientId);
  return chooseAction(ivr, appointment.id, `${describe(ivr, appointment)}.`);
}

function chooseAction(ivr: Ivr, appointmentId: string, intro: string): string {
  ivr.say(intro);
  return ivr.ask(
    ivr.url('change/action', { appt: appointmentId }),
    'To cancel it, press 1. To move it to another time, press 2.',
    ivr.url('menu', { silence: '1' }),
  );
}

async function ownAppointment(ivr: Ivr, id: string | undefined) {
  const patientId = verifiedPatient(ivr);
  if (!patientId || !id) return null;
  return ivr.deps.db.prisma.appointment.findFirst({
    where: { id, patientId, clinicId: ivr.call.clinic.id },
    include: { practitioner: { select: { spokenName: true } } },
  });
}

export async function changeAction(ivr: Ivr, q: StepQuery<'change/action'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || appointment.status !== 'booked') return reception(ivr);
  if (body.Digits === '1')
    return ivr.ask(
      ivr.url('change/cancel', { appt: appointment.id }),
      `To cancel ${describe(ivr, appointment)}, press 1. To keep it, press 2.`,
      ivr.url('menu', { silence: '1' }),
    );
  if (body.Digits === '2')
    return offerSlots(ivr, appointment.typeId, undefined, undefined, { path: 'change/slot', appt: appointment.id });
  return chooseAction(ivr, appointment.id, "Sorry, that isn't one of the choices.");
}

export async function changeCancel(ivr: Ivr, q: StepQuery<'change/cancel'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment) return reception(ivr);
  // A repeat of this request after it worked: say so again.
  if (appointment.status === 'cancelled') return goodbyeWith(ivr, 'Your appointment is cancelled.');
  if (body.Digits !== '1') return goodbyeWith(ivr, 'Your appointment is kept.');
  await cancelAppointment(ivr.deps, {
    clinicId: ivr.call.clinic.id,
    appointmentId: appointment.id,
    reason: 'Cancelled by the patient by phone',
    actor: { type: 'system' },
    alongWith: outcomeAlongWith(ivr, 'cancelled'),
  });
  return goodbyeWith(ivr, `Your appointment on ${describe(ivr, appointment)} is cancelled.`);
}

export async function changeSlot(ivr: Ivr, q: StepQuery<'change/slot'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || !q.type) return reception(ivr);
  const step: SlotStep = { path: 'change/slot', appt: appointment.id };
  if (body.Digits === '9' && q.later) return offerSlots(ivr, q.type, q.later, undefined, step);
  const slot = choiceOf(q, 's', body.Digits);
  if (!slot) return offerSlots(ivr, q.type, undefined, "Sorry, that isn't one of the choices.", step);
  const [practitionerId, startsAt] = slot.split('@');
  const names = await spokenNames(ivr, [{ practitionerId: practitionerId! }]);
  const when = speakSlot(
    { startsAt: new Date(startsAt!), spokenName: names.get(practitionerId!) ?? '' },
    ivr.speakOptions(),
  );
  return ivr.ask(
    ivr.url('change/move', { appt: appointment.id, slot, type: q.type }),
    `To move your appointment to ${when}, press 1. To keep it where it is, press 2.`,
    ivr.url('menu', { silence: '1' }),
  );
}

export async function changeMove(ivr: Ivr, q: StepQuery<'change/move'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || !q.slot) return reception(ivr);
  const [practitionerId, startsAtText] = q.slot.split('@');
  const startsAt = new Date(startsAtText!);
  // Already there (Twilio repeated this request after it worked).
  if (appointment.startsAt.getTime() === startsAt.getTime() && appointment.practitionerId === practitionerId)
    return goodbyeWith(ivr, `Your appointment is now ${describe(ivr, appointment)}.`);
  if (body.Digits !== '1') return goodbyeWith(ivr, 'Your appointment is kept.');
  try {
    await moveAppointment(ivr.deps, {
      clinicId: ivr.call.clinic.id,
      appointmentId: appointment.id,
      startsAt,
      practitionerId,
      source: 'phone',
      actor: { type: 'system' },
      alongWith: outcomeAlongWith(ivr, 'moved'),
    });
  } catch (err) {
    if (err instanceof SlotTakenError)
      return offerSlots(
        ivr,
        appointment.typeId,
        undefined,
        'Sorry, that time was taken a moment ago. Your appointment has not changed.',
        { path: 'change/slot', appt: appointment.id },
      );
    throw err;
  }
  const names = await spokenNames(ivr, [{ practitionerId: practitionerId! }]);
  return goodbyeWith(
    ivr,
    `Your appointment is now ${speakSlot({ startsAt, spokenName: names.get(practitionerId!) ?? '' }, ivr.speakOptions())}.`,
  );
}

function goodbyeWith(ivr: Ivr, text: string): string {
  ivr.say(`${text} Thank you for calling. Goodbye.`);
  ivr.response.hangup();
  return ivr.twiml();
}
