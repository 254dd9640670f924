// Booking by phone, one small handler per Twilio request. State that is not personal
// travels in the action URLs (Twilio signs them with the rest of the request); a new
// caller's name and date of birth stay in the database (Call.ivrState).
import { DateTime } from 'luxon';
import { isE164 } from '../core/validation.js';
import { nextFreeSlots } from '../diary/availability.js';
import { bookAppointment, SlotTakenError } from '../diary/booking.js';
import type { Slot } from '../diary/slots.js';
import type { Params } from '../voice/call-step.js';
import { ordinal, speakSlot } from '../voice/speech.js';
import { askBirthDate, callersPatients, matchBirthDate, parseBirthDate, pickVerified, usOrder } from './identity.js';
import { MAX_MENU_ATTEMPTS } from './menu.js';
import { type Ivr, outcomeAlongWith } from './phone.js';
import { reception } from './reception-hours.js';
import { choiceOf, type StepQuery } from '../voice/steps.js';

async function phoneTypes(ivr: Ivr) {
  return ivr.deps.db.prisma.appointmentType.findMany({
    where: {
      clinicId: ivr.call.clinic.id,
      active: true,
      phoneBookable: true,
      practitioners: { some: { practitioner: { active: true } } },
    },
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
}

export async function bookingStart(ivr: Ivr): Promise<string> {
  const types = await phoneTypes(ivr);
  if (types.length === 0) {
    ivr.say('Sorry, appointments cannot be booked by phone at this clinic.');
    return reception(ivr);
  }
  if (types.length === 1) return offerSlots(ivr, types[0]!.id);
  const prompt = types.map((t, i) => `For ${t.name}, press ${i + 1}.`).join(' ');
  return ivr.ask(ivr.url('book/type'), `What would you like to book? ${prompt}`, ivr.url('menu', { silence: '1' }), {
    digits: 1,
  });
}

export async function chooseType(ivr: Ivr, body: Params): Promise<string> {
  const types = await phoneTypes(ivr);
  const chosen = types[Number(body.Digits) - 1];
  if (!chosen) {
    ivr.say("Sorry, that isn't one of the choices.");
    return bookingStart(ivr);
  }
  return offerSlots(ivr, chosen.id);
}

const encodeSlot = (s: Slot) => `${s.practitionerId}@${s.startsAt.toISOString()}`;

/** Where the choice of time goes: booking, or moving the appointment `appt`. */
export type SlotStep = { path: 'book/slot' } | { path: 'change/slot'; appt: string };

/** Three free times at a time, spoken; 9 for later ones. */
export async function offerSlots(
  ivr: Ivr,
  typeId: string,
  after?: string,
  apology?: string,
  step: SlotStep = { path: 'book/slot' },
): Promise<string> {
  const slots = await nextFreeSlots(ivr.deps.db.prisma, {
    clinicId: ivr.call.clinic.id,
    typeId,
    limit: 3,
    after: after ? new Date(after) : undefined,
    applyNotice: true,
    now: ivr.deps.clock(),
  });
  if (apology) ivr.say(apology);
  if (slots.length === 0) {
    ivr.say(
      after ? 'There are no later free times.' : 'Sorry, there are no free times to book by phone at the moment.',
    );
    return reception(ivr);
  }
  const names = await spokenNames(ivr, slots);
  const choices = slots
    .map(
      (s, i) =>
        `For ${speakSlot({ startsAt: s.startsAt, spokenName: names.get(s.practitionerId) ?? '' }, ivr.speakOptions())}, press ${i + 1}.`,
    )
    .join(' ');
  const later = new Date(slots[slots.length - 1]!.startsAt.getTime() + 60_000).toISOString();
  const offer = { type: typeId, later, ...Object.fromEntries(slots.map((s, i) => [`s${i + 1}`, encodeSlot(s)])) };
  const action =
    step.path === 'change/slot' ? ivr.url('change/slot', { ...offer, appt: step.appt }) : ivr.url('book/slot', offer);
  return ivr.ask(
    action,
    `The next free times are: ${choices} For later times, press 9.`,
    ivr.url('menu', { silence: '1' }),
  );
}

export async function spokenNames(ivr: Ivr, slots: Array<{ practitionerId: string }>) {
  const rows = await ivr.deps.db.prisma.practitioner.findMany({
    where: { id: { in: slots.map((s) => s.practitionerId) } },
    select: { id: true, spokenName: true },
  });
  return new Map(rows.map((r) => [r.id, r.spokenName]));
}

export async function chooseSlot(ivr: Ivr, q: StepQuery<'book/slot'>, body: Params): Promise<string> {
  if (!q.type) return reception(ivr);
  if (body.Digits === '9' && q.later) return offerSlots(ivr, q.type, q.later);
  const slot = choiceOf(q, 's', body.Digits);
  if (!slot) return offerSlots(ivr, q.type, undefined, "Sorry, that isn't one of the choices.");
  return whoFor(ivr, { type: q.type, slot });
}

/**
 * Who the appointment is for. Caller ID can be spoofed, so no name is said until the
 * caller keys a date of birth that belongs to a patient on their number; someone new
 * gives their name and date of birth.
 */
async function whoFor(ivr: Ivr, p: { type: string; slot: string }): Promise<string> {
  if ((await callersPatients(ivr)).length === 0) return askName(ivr, p);
  return ivr.ask(
    ivr.url('book/who', p),
    'Is the appointment for someone already registered with us? Press 1. For someone new, press 2.',
    ivr.url('menu', { silence: '1' }),
  );
}

export async function choosePatient(ivr: Ivr, q: StepQuery<'book/who'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  if (body.Digits === '1') return askBirthDate(ivr, 'book/known-dob', { ...p, attempt: '1' });
  if (body.Digits === '2') return askName(ivr, p);
  ivr.say("Sorry, that isn't one of the choices.");
  return whoFor(ivr, p);
}

export async function knownBirthDate(ivr: Ivr, q: StepQuery<'book/known-dob'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const matches = await matchBirthDate(ivr, body.Digits);
  if (matches.length === 1) return confirmBooking(ivr, { ...p, patient: matches[0]!.id });
  if (matches.length > 1) {
    const options = matches.map((m, i) => `For ${m.name}, press ${i + 1}.`).join(' ');
    return ivr.ask(
      ivr.url('book/which', { ...p, ...Object.fromEntries(matches.map((m, i) => [`p${i + 1}`, m.id])) }),
      `Who is the appointment for? ${options}`,
      ivr.url('menu', { silence: '1' }),
    );
  }
  if (attempt >= MAX_MENU_ATTEMPTS) {
    ivr.say("Sorry, that doesn't match our records, so I'll put you through to reception.");
    return reception(ivr);
  }
  return ivr.ask(
    ivr.url('book/not-found', { ...p, attempt: String(attempt) }),
    "Sorry, that date of birth doesn't match anyone registered on this number. To key it again, press 1. To book for someone new, press 2.",
    ivr.url('menu', { silence: '1' }),
  );
}

export async function birthDateNotFound(ivr: Ivr, q: StepQuery<'book/not-found'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  if (body.Digits === '2') return askName(ivr, p);
  return askBirthDate(ivr, 'book/known-dob', { ...p, attempt: String(Number(q.attempt ?? '1') + 1) });
}

export async function chooseVerified(ivr: Ivr, q: StepQuery<'book/which'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const patient = await pickVerified(ivr, choiceOf(q, 'p', body.Digits));
  if (!patient) return whoFor(ivr, p);
  return confirmBooking(ivr, { ...p, patient });
}

function askName(ivr: Ivr, p: { type: string; slot: string }, attempt = 1): string {
  return ivr.ask(
    ivr.url('book/name', { ...p, attempt: String(attempt) }),
    "Please say the patient's full name.",
    ivr.url('book/name', { ...p, attempt: String(attempt), silence: '1' }),
    { speech: true },
  );
}

export async function heardName(ivr: Ivr, q: StepQuery<'book/name'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const name = body.SpeechResult?.trim().replace(/[.!?]+$/, '');
  if (q.silence || !name) {
    if (attempt >= MAX_MENU_ATTEMPTS) return reception(ivr);
    ivr.say("Sorry, I didn't hear a name.");
    return askName(ivr, p, attempt + 1);
  }
  await ivr.saveState({ ...ivr.state(), newPatientName: name.slice(0, 120) });
  return ivr.ask(
    ivr.url('book/name-ok', { ...p, attempt: String(attempt) }),
    `I heard ${name}. If that's right, press 1. To say it again, press 2.`,
    ivr.url('menu', { silence: '1' }),
  );
}

export async function nameConfirmed(ivr: Ivr, q: StepQuery<'book/name-ok'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  if (body.Digits !== '1') return askName(ivr, p, Number(q.attempt ?? '1') + 1);
  return askBirthDate(ivr, 'book/dob', p);
}

export async function heardBirthDate(ivr: Ivr, q: StepQuery<'book/dob'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const dob = parseBirthDate(body.Digits, ivr.call.clinic.locale, ivr.deps.clock());
  if (!dob) {
    ivr.say("Sorry, that isn't a date of birth I can use.");
    return askBirthDate(ivr, 'book/dob', p);
  }
  await ivr.saveState({ ...ivr.state(), newPatientDob: dob });
  const spoken = DateTime.fromISO(dob).setLocale('en-GB');
  const said = usOrder(ivr.call.clinic.locale)
    ? `${spoken.toFormat('LLLL')} ${ordinal(spoken.day)}, ${spoken.year}`
    : `the ${ordinal(spoken.day)} of ${spoken.toFormat('LLLL')} ${spoken.year}`;
  return ivr.ask(
    ivr.url('book/dob-ok', p),
    `That's ${said}. If that's right, press 1. To key it again, press 2.`,
    ivr.url('menu', { silence: '1' }),
  );
}

export async function birthDateConfirmed(ivr: Ivr, q: StepQuery<'book/dob-ok'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  if (body.Digits !== '1' || !ivr.state().newPatientDob) return askBirthDate(ivr, 'book/dob', p);
  return confirmBooking(ivr, { ...p, patient: 'new' });
}

async function confirmBooking(ivr: Ivr, p: { type: string; slot: string; patient: string }): Promise<string> {
  const [practitionerId, startsAt] = p.slot.split('@');
  const names = await spokenNames(ivr, [{ practitionerId: practitionerId! }]);
  const who =
    p.patient === 'new'
      ? ivr.state().newPatientName
      : (
          await ivr.deps.db.prisma.patient.findFirst({
            where: { id: p.patient, clinicId: ivr.call.clinic.id },
            select: { name: true },
          })
        )?.name;
  const when = speakSlot(
    { startsAt: new Date(startsAt!), spokenName: names.get(practitionerId!) ?? '' },
    ivr.speakOptions(),
  );
  return ivr.ask(
    ivr.url('book/confirm', p),
    `To book ${when} for ${who}, press 1. To choose another time, press 2.`,
    ivr.url('menu', { silence: '1' }),
  );
}

function bookedMessage(ivr: Ivr, startsAt: Date, spokenName: string): string {
  ivr.say(
    `You're booked for ${speakSlot({ startsAt, spokenName }, ivr.speakOptions())}. Thank you for calling. Goodbye.`,
  );
  ivr.response.hangup();
  return ivr.twiml();
}

export async function confirmed(ivr: Ivr, q: StepQuery<'book/confirm'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot, patient: q.patient };
  if (body.Digits !== '1') return offerSlots(ivr, p.type);
  // Booking in a registered patient's name needs their date of birth keyed on this call.
  if (p.patient !== 'new' && ivr.state().verifiedPatientId !== p.patient) return whoFor(ivr, p);
  // Twilio may repeat this request: the second time, the booking already stands.
  const done = ivr.state().bookedAppointmentId;
  const already = done
    ? await ivr.deps.db.prisma.appointment.findFirst({
        where: { id: done, clinicId: ivr.call.clinic.id },
        include: { practitioner: { select: { spokenName: true } } },
      })
    : null;
  if (already) return bookedMessage(ivr, already.startsAt, already.practitioner.spokenName);
  const [practitionerId, startsAtText] = p.slot.split('@');
  const startsAt = new Date(startsAtText!);
  const { prisma } = ivr.deps.db;
  let patientId = p.patient;
  if (patientId === 'new') {
    const state = ivr.state();
    if (!state.newPatientName || !state.newPatientDob) return askName(ivr, p);
    const phone = isE164(ivr.call.fromNumber) ? ivr.call.fromNumber : null;
    // A retry of this request must not make a second patient: reuse the one this call made.
    const existing = state.newPatientId
      ? await prisma.patient.findFirst({ where: { id: state.newPatientId, clinicId: ivr.call.clinic.id } })
      : null;
    const patient =
      existing ??
      (await prisma.patient.create({
        data: {
          clinicId: ivr.call.clinic.id,
          name: state.newPatientName,
          phone,
          dateOfBirth: new Date(state.newPatientDob),
        },
      }));
    await ivr.saveState({ ...state, newPatientId: patient.id });
    patientId = patient.id;
  }
  try {
    const state = (bookedAppointmentId: string) => ({ ...ivr.state(), bookedAppointmentId });
    const appointment = await bookAppointment(ivr.deps, {
      clinicId: ivr.call.clinic.id,
      practitionerId: practitionerId!,
      typeId: p.type,
      patientId,
      startsAt,
      source: 'phone',
      actor: { type: 'system' },
      alongWith: outcomeAlongWith(ivr, 'booked', state),
    });
    ivr.call.ivrState = state(appointment.id);
    const names = await spokenNames(ivr, [appointment]);
    return bookedMessage(ivr, startsAt, names.get(appointment.practitionerId) ?? '');
  } catch (err) {
    if (err instanceof SlotTakenError)
      return offerSlots(ivr, p.type, undefined, 'Sorry, that time was taken a moment ago.');
    throw err;
  }
}
