// Changing, cancelling or checking an appointment by phone, by keys or in the caller's
// words ("I can't make my appointment tomorrow", "move it to Friday afternoon"). Caller
// ID can be spoofed, so nothing is read out (not even a name) or changed before the
// caller gives the patient's date of birth.
import { DateTime } from 'luxon';
import { afterTask, type StoredWish } from '../calls/call-state.js';
import { cancelAppointment, moveAppointment, SlotTakenError } from '../diary/booking.js';
import type { Wish } from '../understanding/understand.js';
import type { Params } from '../voice/call-step.js';
import { article } from '../voice/speech.js';
import { choiceOf, type StepQuery } from '../voice/steps.js';
import { decodeSlot, offerTimes, spokenNames, wishWith, yesOrNo, answerOffer } from './booking-line.js';
import {
  askBirthDate,
  birthDateHeard,
  byFirstName,
  matchBirthDate,
  offeredPatients,
  pickVerified,
  callersPatients,
  tooManyGuesses,
} from './identity.js';
import { speakDay, speakWhen } from './offering.js';
import { speakClock } from '../voice/speech.js';
import { type Ivr, outcomeAlongWith } from './phone.js';
import { reception } from './reception-hours.js';
import { anythingElse, steer, tryAgain } from './steering.js';

type Task = 'move' | 'cancel' | 'change' | 'check';

export async function changeStart(ivr: Ivr, task: Task, said: Wish = {}): Promise<string> {
  // A new task starts from what was just said. Whose appointments these are is asked
  // again even when this call proved someone before: a family's phone has several.
  await ivr.saveState({ ...afterTask(ivr.state()), task, wish: { ...said } });
  const patients = await callersPatients(ivr);
  if (patients.length === 0) {
    ivr.say("I can't find any appointments for the number you're calling from, so I'll put you through to reception.");
    return reception(ivr);
  }
  if (!patients.some((p) => p.dateOfBirth)) {
    ivr.say("I can't check who you are by phone, so I'll put you through to reception.");
    return reception(ivr);
  }
  // No name is said before the caller gives a date of birth that belongs to someone on this number.
  return askBirthDate(ivr, 'change/dob', { attempt: '1' });
}

/** A family number: the caller picks by name among the patients whose date of birth they gave. */
export async function changeWho(ivr: Ivr, q: StepQuery<'change/who'>, body: Params): Promise<string> {
  const heard = ivr.hear(body, 'yesno', q.silence);
  const offered = await offeredPatients(ivr, q);
  const again = (attempt: string) => askWhose(ivr, offered, attempt);
  const steered = await steer(ivr, heard, () => again(q.attempt ?? '1'));
  if (steered) return steered;
  const byName = heard.said ? byFirstName(offered, heard.said) : undefined;
  const patient = await pickVerified(ivr, byName ?? choiceOf(q, 'p', heard.digits));
  if (!patient) return tryAgain(ivr, Number(q.attempt ?? '1'), again, heard.silent);
  return afterVerified(ivr, patient);
}

/** A date of birth two patients on the number share: whose appointment, by first name or key. */
function askWhose(ivr: Ivr, patients: Array<{ id: string; name: string }>, attempt: string): string {
  const options = patients.map((p, i) => `For ${p.name}, press ${i + 1}.`).join(' ');
  const q = { attempt, ...Object.fromEntries(patients.map((p, i) => [`p${i + 1}`, p.id])) };
  return ivr.ask(
    ivr.url('change/who', q),
    `Whose appointment is it? Say their first name, or: ${options}`,
    ivr.url('change/who', { ...q, silence: '1' }),
  );
}

/** The date of birth must match before anything is said about the patient or their appointments. */
export async function changeCheckBirthDate(ivr: Ivr, q: StepQuery<'change/dob'>, body: Params): Promise<string> {
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'birthDate', q.silence);
  const steered = await steer(ivr, heard, () => askBirthDate(ivr, 'change/dob', { attempt: String(attempt) }));
  if (steered) return steered;
  if (heard.silent) return tryAgain(ivr, attempt, (next) => askBirthDate(ivr, 'change/dob', { attempt: next }), true);
  const matches = await matchBirthDate(ivr, birthDateHeard(ivr, heard));
  if (matches.length === 1) return afterVerified(ivr, matches[0]!.id);
  if (matches.length > 1) return askWhose(ivr, matches, '1');
  if (attempt >= 3 || tooManyGuesses(ivr)) {
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
    include: { practitioner: { select: { spokenName: true } }, type: { select: { name: true } } },
  });
}
type Upcoming = Awaited<ReturnType<typeof upcoming>>[number];

/** "a check-up with Dr Khan tomorrow at 2" */
const describe = (ivr: Ivr, a: { startsAt: Date; practitioner: { spokenName: string }; type: { name: string } }) =>
  `${article(a.type.name)} ${a.type.name.toLowerCase()} with ${a.practitioner.spokenName} ${speakWhen(a.startsAt, ivr.speakOptions())}`;

/** "a check-up …" at the start of a sentence: "A check-up …". */
const sentence = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

const localDay = (ivr: Ivr, at: Date) => DateTime.fromJSDate(at, { zone: ivr.call.clinic.timeZone }).toISODate()!;

/** The appointments on the day the caller named ("my appointment tomorrow"), else all. */
function onTheDayNamed(ivr: Ivr, appointments: Upcoming[], wish: StoredWish): Upcoming[] {
  if (!wish.day) return appointments;
  const on = appointments.filter(
    (a) => localDay(ivr, a.startsAt) >= wish.day!.from && localDay(ivr, a.startsAt) <= wish.day!.to,
  );
  return on.length ? on : appointments;
}

async function afterVerified(ivr: Ivr, patientId: string): Promise<string> {
  const state = ivr.state();
  const task = state.task === 'book' || !state.task ? 'change' : state.task;
  const appointments = await upcoming(ivr, patientId);
  if (appointments.length === 0) {
    ivr.say('There are no upcoming appointments booked.');
    return anythingElse(ivr);
  }
  if (task === 'check') {
    ivr.say(
      appointments.length === 1
        ? `Your next appointment is ${describe(ivr, appointments[0]!)}.`
        : `You have ${appointments.length} appointments coming up: ${appointments.map((a) => describe(ivr, a)).join('; and ')}.`,
    );
    return anythingElse(ivr);
  }
  const named = onTheDayNamed(ivr, appointments, state.wish ?? {});
  if (named.length === 1) return act(ivr, named[0]!, `Your appointment is ${describe(ivr, named[0]!)}.`);
  return askWhich(ivr, named, '1');
}

function askWhich(ivr: Ivr, appointments: Upcoming[], attempt: string): string {
  const options = appointments.map((a, i) => `for ${describe(ivr, a)}, press ${i + 1}`).join('; ');
  const ids = Object.fromEntries(appointments.map((a, i) => [`a${i + 1}`, a.id]));
  return ivr.ask(
    ivr.url('change/which', { ...ids, attempt }),
    `Which appointment? Say the day, or ${options}.`,
    ivr.url('change/which', { ...ids, attempt, silence: '1' }),
  );
}

export async function changeWhich(ivr: Ivr, q: StepQuery<'change/which'>, body: Params): Promise<string> {
  const patientId = verifiedPatient(ivr);
  if (!patientId) return reception(ivr);
  const all = await upcoming(ivr, patientId);
  const ids = [q.a1, q.a2, q.a3].filter(Boolean);
  const listed = all.filter((a) => ids.includes(a.id));
  const heard = ivr.hear(body, 'offer', q.silence);
  const steered = await steer(ivr, heard, () => askWhich(ivr, listed, q.attempt ?? '1'));
  if (steered) return steered;
  const u = heard.understood;
  const byKey = choiceOf(q, 'a', heard.digits);
  const byChoice = u?.choice !== undefined ? ids[u.choice === 'last' ? ids.length - 1 : u.choice - 1] : undefined;
  const byDay = u?.wish.day ? onTheDayNamed(ivr, listed, u.wish) : [];
  const id = byKey ?? byChoice ?? (byDay.length === 1 ? byDay[0]!.id : undefined);
  const appointment = id ? listed.find((a) => a.id === id) : undefined;
  if (!appointment) return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => askWhich(ivr, listed, next), heard.silent);
  return act(ivr, appointment, `${sentence(describe(ivr, appointment))}.`);
}

/** What the caller came to do with this appointment: cancel, move, or ask which. */
async function act(ivr: Ivr, appointment: Upcoming, intro: string): Promise<string> {
  const state = ivr.state();
  // Cancelling reads the appointment out in its own question: not twice.
  if (state.task === 'cancel') return askCancel(ivr, appointment, '1');
  ivr.say(intro);
  if (state.task === 'move') return moveTo(ivr, appointment);
  return askAction(ivr, appointment.id, '1');
}

/** Offers new times: the wish, less a day that only named the appointment being moved. */
async function moveTo(ivr: Ivr, appointment: Upcoming, said: Wish = {}): Promise<string> {
  const kept = { ...wishWith(ivr, said) };
  if (
    kept.day &&
    !said.day &&
    localDay(ivr, appointment.startsAt) >= kept.day.from &&
    localDay(ivr, appointment.startsAt) <= kept.day.to
  )
    delete kept.day;
  const wish = { ...kept, typeId: appointment.typeId };
  await ivr.saveState({ ...ivr.state(), task: 'move', wish });
  return offerTimes(ivr, wish, { path: 'change/slot', appt: appointment.id });
}

function askAction(ivr: Ivr, appointmentId: string, attempt: string): string {
  return ivr.ask(
    ivr.url('change/action', { appt: appointmentId, attempt }),
    'To cancel it, say cancel or press 1. To move it to another time, say move, or press 2.',
    ivr.url('change/action', { appt: appointmentId, attempt, silence: '1' }),
  );
}

async function ownAppointment(ivr: Ivr, id: string | undefined) {
  const patientId = verifiedPatient(ivr);
  if (!patientId || !id) return null;
  return ivr.deps.db.prisma.appointment.findFirst({
    where: { id, patientId, clinicId: ivr.call.clinic.id },
    include: { practitioner: { select: { spokenName: true } }, type: { select: { name: true } } },
  });
}

function askCancel(ivr: Ivr, appointment: Upcoming, attempt: string): string {
  return ivr.ask(
    ivr.url('change/cancel', { appt: appointment.id, attempt }),
    `To cancel ${describe(ivr, appointment)}, say yes or press 1. To keep it, say no or press 2.`,
    ivr.url('change/cancel', { appt: appointment.id, attempt, silence: '1' }),
  );
}

export async function changeAction(ivr: Ivr, q: StepQuery<'change/action'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || appointment.status !== 'booked') return reception(ivr);
  const heard = ivr.hear(body, 'open', q.silence);
  const steered = await steer(ivr, heard, () => askAction(ivr, appointment.id, q.attempt ?? '1'));
  if (steered) return steered;
  const u = heard.understood;
  if (heard.digits === '1' || u?.intent === 'cancel') {
    await ivr.saveState({ ...ivr.state(), task: 'cancel' });
    return askCancel(ivr, appointment, '1');
  }
  const wish = u?.wish ?? {};
  const hasWhen = Boolean(wish.day || wish.time || wish.partOfDay || wish.practitionerIds);
  if (heard.digits === '2' || u?.intent === 'move' || hasWhen) return moveTo(ivr, appointment, wish);
  return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => askAction(ivr, appointment.id, next), heard.silent);
}

export async function changeCancel(ivr: Ivr, q: StepQuery<'change/cancel'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment) return reception(ivr);
  // A repeat of this request after it worked: say so again.
  if (appointment.status === 'cancelled') {
    ivr.say('Your appointment is cancelled.');
    return anythingElse(ivr);
  }
  // The call has ended: a request for this step now is a replay, and cancels nothing.
  if (ivr.call.endedAt) return ivr.goodbye();
  if (ivr.call.endedAt) return ivr.goodbye(); // a replay after the call: moves nothing
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () => askCancel(ivr, appointment, q.attempt ?? '1'));
  if (steered) return steered;
  // "Cancel it" is a yes here.
  const yes = heard.understood?.intent === 'cancel' ? true : yesOrNo(heard);
  if (yes === null)
    return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => askCancel(ivr, appointment, next), heard.silent);
  if (!yes) {
    ivr.say('Your appointment is kept.');
    return anythingElse(ivr);
  }
  await cancelAppointment(ivr.deps, {
    clinicId: ivr.call.clinic.id,
    appointmentId: appointment.id,
    reason: 'Cancelled by the patient by phone',
    actor: { type: 'system' },
    alongWith: outcomeAlongWith(ivr, 'cancelled', () => afterTask(ivr.state())),
  });
  const said = describe(ivr, appointment);
  ivr.say(`${sentence(said)} is cancelled.`);
  return anythingElse(ivr);
}

export async function changeSlot(ivr: Ivr, q: StepQuery<'change/slot'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || !q.type) return reception(ivr);
  return answerOffer(ivr, q, body, { path: 'change/slot', appt: appointment.id }, (slot) =>
    askMove(ivr, appointment.id, slot, q.type!, '1'),
  );
}

async function askMove(ivr: Ivr, appt: string, slot: string, type: string, attempt: string): Promise<string> {
  const { practitionerId, startsAt } = decodeSlot(slot);
  const names = await spokenNames(ivr, [{ practitionerId }]);
  const t = DateTime.fromJSDate(startsAt, { zone: ivr.call.clinic.timeZone });
  const o = ivr.speakOptions();
  const when = `${speakDay(startsAt, o)} at ${speakClock(t.hour, t.minute, o.locale)} with ${names.get(practitionerId) ?? 'us'}`;
  return ivr.ask(
    ivr.url('change/move', { appt, slot, type, attempt }),
    `To move your appointment to ${when}, say yes or press 1. To keep it where it is, say no or press 2.`,
    ivr.url('change/move', { appt, slot, type, attempt, silence: '1' }),
  );
}

export async function changeMove(ivr: Ivr, q: StepQuery<'change/move'>, body: Params): Promise<string> {
  const appointment = await ownAppointment(ivr, q.appt);
  if (!appointment || !q.slot) return reception(ivr);
  const { practitionerId, startsAt } = decodeSlot(q.slot);
  // Already there (Twilio repeated this request after it worked).
  if (appointment.startsAt.getTime() === startsAt.getTime() && appointment.practitionerId === practitionerId) {
    ivr.say(`Your appointment is now ${describe(ivr, appointment)}.`);
    return anythingElse(ivr);
  }
  if (ivr.call.endedAt) return ivr.goodbye(); // a replay after the call: moves nothing
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () =>
    askMove(ivr, appointment.id, q.slot!, q.type ?? appointment.typeId, q.attempt ?? '1'),
  );
  if (steered) return steered;
  // "Move it" is a yes here.
  const yes = heard.understood?.intent === 'move' ? true : yesOrNo(heard);
  if (yes === null)
    return tryAgain(
      ivr,
      Number(q.attempt ?? '1'),
      (next) => askMove(ivr, appointment.id, q.slot!, q.type ?? appointment.typeId, next),
      heard.silent,
    );
  if (!yes) {
    ivr.say('Your appointment is kept.');
    return anythingElse(ivr);
  }
  try {
    await moveAppointment(ivr.deps, {
      clinicId: ivr.call.clinic.id,
      appointmentId: appointment.id,
      startsAt,
      practitionerId,
      source: 'phone',
      actor: { type: 'system' },
      alongWith: outcomeAlongWith(ivr, 'moved', () => afterTask(ivr.state())),
    });
  } catch (err) {
    if (err instanceof SlotTakenError)
      return offerTimes(
        ivr,
        { ...wishWith(ivr), typeId: appointment.typeId },
        { path: 'change/slot', appt: appointment.id },
        { apology: 'Sorry, that time was taken a moment ago. Your appointment has not changed.' },
      );
    throw err;
  }
  const names = await spokenNames(ivr, [{ practitionerId }]);
  ivr.say(
    `Your appointment is now ${describe(ivr, { ...appointment, startsAt, practitioner: { spokenName: names.get(practitionerId) ?? 'us' } })}.`,
  );
  return anythingElse(ivr);
}
