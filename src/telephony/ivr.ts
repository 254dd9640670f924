// The phone menu and booking by phone, one small handler per Twilio request.
// State that is not personal travels in the action URLs (Twilio signs them with
// the rest of the request); a new caller's name and date of birth stay in the
// database (Call.ivrState). Every handler answers spoken TwiML.
import { DateTime } from 'luxon';
import twilio from 'twilio';
import type VoiceResponseType from 'twilio/lib/twiml/VoiceResponse.js';
import { isE164 } from '../core/validation.js';
import type { AppContext } from '../context.js';
import { nextFreeSlots } from '../diary/availability.js';
import { type AlongWith, bookAppointment, SlotTakenError } from '../diary/booking.js';
import { isOpenAt, nextOpening } from '../diary/opening-hours.js';
import { patientsByPhone } from '../diary/patients.js';
import type { Slot } from '../diary/slots.js';
import { toReception, voicemail } from '../reception/queue.js';
import { MAX_MENU_ATTEMPTS, menuChoice } from './menu.js';
import type { ClinicForCall } from './calls.js';
import { changeStart } from './change-line.js';
import { ordinal, speakDateTime, speakSlot } from './speech.js';
import { voiceFor } from './twiml.js';

const { VoiceResponse } = twilio.twiml;
type Params = Record<string, string | undefined>;

export interface CallInfo {
  id: string;
  callSid: string;
  fromNumber: string;
  ivrState: unknown;
  clinic: ClinicForCall;
}

/** Everything one handler needs: the app's I/O, the call, and helpers to speak and to build signed-by-Twilio URLs. */
export class Ivr {
  readonly response = new VoiceResponse();
  readonly voice: VoiceResponseType.SayAttributes;

  constructor(
    readonly ctx: AppContext,
    readonly call: CallInfo,
  ) {
    this.voice = voiceFor(call.clinic.locale);
  }

  url(path: string, params: Params = {}): string {
    const query = new URLSearchParams({ call: this.call.id });
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
    return `${this.ctx.config.publicBaseUrl}/twilio/${path}?${query}`;
  }

  say(text: string): this {
    this.response.say(this.voice, text);
    return this;
  }

  /** A keypad (and optionally speech) question; silence runs the verbs after it, so `onSilence` carries the call. */
  ask(action: string, prompt: string, onSilence: string, options: { speech?: boolean; digits?: number; hints?: string } = {}): string {
    const gather = this.response.gather({
      input: options.speech ? ['dtmf', 'speech'] : ['dtmf'],
      numDigits: options.digits ?? 1,
      timeout: 6,
      action,
      method: 'POST',
      ...(options.speech ? { speechTimeout: 'auto', language: this.voice.language as VoiceResponseType.GatherAttributes['language'], hints: options.hints } : {}),
    });
    gather.say(this.voice, prompt);
    this.response.redirect({ method: 'POST' }, onSilence);
    return this.twiml();
  }

  twiml(): string {
    return this.response.toString();
  }

  /** "Thank you for calling. Goodbye." and hang up. */
  goodbye(): string {
    this.say('Thank you for calling. Goodbye.');
    this.response.hangup();
    return this.twiml();
  }

  speakOptions() {
    return { timeZone: this.call.clinic.timeZone, locale: this.call.clinic.locale, now: this.ctx.clock() };
  }

  async setOutcome(outcome: string): Promise<void> {
    await this.ctx.db.prisma.call.updateMany({ where: { id: this.call.id }, data: { outcome } });
  }

  /** The call's outcome (and menu state), written inside the diary change that made it true. */
  outcomeAlongWith(outcome: 'booked' | 'moved' | 'cancelled', state?: (appointmentId: string) => Record<string, string | null>): AlongWith {
    return async (tx, appointment) => {
      await tx.call.update({ where: { id: this.call.id }, data: { outcome, ...(state ? { ivrState: state(appointment.id) } : {}) } });
    };
  }

  async saveState(state: Record<string, string | null>): Promise<void> {
    await this.ctx.db.prisma.call.update({ where: { id: this.call.id }, data: { ivrState: state } });
    this.call.ivrState = state;
  }

  state(): Record<string, string | null> {
    return (this.call.ivrState as Record<string, string | null> | null) ?? {};
  }
}

const MENU_PROMPT = 'To book an appointment, press 1 or say book. To change or cancel an appointment, press 2 or say change. To speak to reception, press 3 or say reception.';

export const DEFAULT_RECORDING_NOTICE = 'Calls are recorded to help us look after you.';

/** The first answer: emergency message, greeting, the recording notice and then the recording, the menu. */
export function welcome(ivr: Ivr): string {
  const { clinic } = ivr.call;
  if (clinic.emergencyMessage) ivr.say(clinic.emergencyMessage);
  ivr.say(clinic.greeting ?? `Thank you for calling ${clinic.name}.`);
  if (clinic.recordCalls) {
    ivr.say(clinic.recordingNotice ?? DEFAULT_RECORDING_NOTICE);
    // Starts only after the notice; the callback tells us the recording's identifiers.
    ivr.response.start().recording({
      recordingStatusCallback: `${ivr.ctx.config.publicBaseUrl}/twilio/recording`,
      recordingStatusCallbackEvent: ['completed', 'absent'],
      recordingStatusCallbackMethod: 'POST',
      channels: 'dual',
    });
  }
  return askMenu(ivr, 1);
}

function askMenu(ivr: Ivr, attempt: number): string {
  return ivr.ask(ivr.url('menu', { attempt: String(attempt) }), MENU_PROMPT, ivr.url('menu', { silence: '1' }), { speech: true, hints: 'book, change, cancel, reception' });
}

export async function menu(ivr: Ivr, q: Params, body: Params): Promise<string> {
  // No answer at all goes to reception.
  if (q.silence) return reception(ivr);
  const choice = menuChoice(body);
  if (choice === 'book') return bookingStart(ivr);
  if (choice === 'reception') return reception(ivr);
  if (choice === 'change') return changeStart(ivr);
  const attempt = Number(q.attempt ?? '1');
  if (attempt >= MAX_MENU_ATTEMPTS) {
    ivr.say("Sorry, I didn't understand.");
    return reception(ivr);
  }
  ivr.say("Sorry, I didn't catch that.");
  return askMenu(ivr, attempt + 1);
}

async function receptionHours(ivr: Ivr) {
  const { prisma } = ivr.ctx.db;
  const now = ivr.ctx.clock();
  const [hours, closures] = await Promise.all([
    prisma.openingHours.findMany({ where: { clinicId: ivr.call.clinic.id } }),
    prisma.closure.findMany({ where: { clinicId: ivr.call.clinic.id, practitionerId: null, endsAt: { gt: now } } }),
  ]);
  return { timeZone: ivr.call.clinic.timeZone, hours, closures: closures.map((c) => ({ start: c.startsAt.getTime(), end: c.endsAt.getTime() })) };
}

/** In opening hours, reception (queue, desk phone or voicemail); outside them, the next opening, then a message or booking. */
export async function reception(ivr: Ivr): Promise<string> {
  const hours = await receptionHours(ivr);
  const now = ivr.ctx.clock();
  if (isOpenAt(now, hours)) return toReception(ivr);
  await ivr.setOutcome('out_of_hours');
  const next = nextOpening(now, hours);
  ivr.say(next ? `Reception is closed at the moment. We open again ${speakDateTime(next, ivr.speakOptions())}.` : 'Reception is not taking calls at the moment.');
  return ivr.ask(ivr.url('closed'), 'To leave a message for the clinic, press 1. To book an appointment, press 2.', ivr.url('goodbye'));
}

/** Out of hours: a message for the clinic, or booking, which never closes. */
export async function closedChoice(ivr: Ivr, _q: Params, body: Params): Promise<string> {
  if (body.Digits === '1') return voicemail(ivr, 'Thank you.');
  if (body.Digits === '2') return bookingStart(ivr);
  return goodbye(ivr);
}

export const goodbye = (ivr: Ivr): string => ivr.goodbye();

// ---- Booking by phone ------------------------------------------------------

async function phoneTypes(ivr: Ivr) {
  return ivr.ctx.db.prisma.appointmentType.findMany({
    where: { clinicId: ivr.call.clinic.id, active: true, phoneBookable: true, practitioners: { some: { practitioner: { active: true } } } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
}

async function bookingStart(ivr: Ivr): Promise<string> {
  const types = await phoneTypes(ivr);
  if (types.length === 0) {
    ivr.say('Sorry, appointments cannot be booked by phone at this clinic.');
    return reception(ivr);
  }
  if (types.length === 1) return offerSlots(ivr, types[0]!.id);
  const prompt = types.map((t, i) => `For ${t.name}, press ${i + 1}.`).join(' ');
  return ivr.ask(ivr.url('book/type'), `What would you like to book? ${prompt}`, ivr.url('menu', { silence: '1' }), { digits: 1 });
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

/** Three free times at a time, spoken; 9 for later ones. */
export async function offerSlots(ivr: Ivr, typeId: string, after?: string, apology?: string, step: { path: string; params: Params } = { path: 'book/slot', params: {} }): Promise<string> {
  const slots = await nextFreeSlots(ivr.ctx.db.prisma, { clinicId: ivr.call.clinic.id, typeId, limit: 3, after: after ? new Date(after) : undefined, applyNotice: true, now: ivr.ctx.clock() });
  if (apology) ivr.say(apology);
  if (slots.length === 0) {
    ivr.say(after ? 'There are no later free times.' : 'Sorry, there are no free times to book by phone at the moment.');
    return reception(ivr);
  }
  const names = await spokenNames(ivr, slots);
  const choices = slots.map((s, i) => `For ${speakSlot({ startsAt: s.startsAt, spokenName: names.get(s.practitionerId) ?? '' }, ivr.speakOptions())}, press ${i + 1}.`).join(' ');
  const later = new Date(slots[slots.length - 1]!.startsAt.getTime() + 60_000).toISOString();
  const params = { ...step.params, type: typeId, later, ...Object.fromEntries(slots.map((s, i) => [`s${i + 1}`, encodeSlot(s)])) };
  return ivr.ask(ivr.url(step.path, params), `The next free times are: ${choices} For later times, press 9.`, ivr.url('menu', { silence: '1' }));
}

export async function spokenNames(ivr: Ivr, slots: Array<{ practitionerId: string }>) {
  const rows = await ivr.ctx.db.prisma.practitioner.findMany({ where: { id: { in: slots.map((s) => s.practitionerId) } }, select: { id: true, spokenName: true } });
  return new Map(rows.map((r) => [r.id, r.spokenName]));
}

export async function chooseSlot(ivr: Ivr, q: Params, body: Params): Promise<string> {
  if (!q.type) return reception(ivr);
  if (body.Digits === '9' && q.later) return offerSlots(ivr, q.type, q.later);
  const slot = q[`s${body.Digits}`];
  if (!slot) return offerSlots(ivr, q.type, undefined, "Sorry, that isn't one of the choices.");
  return whoFor(ivr, { type: q.type, slot });
}

/** The clinic's patients on the number the call comes from (none for a withheld number). */
export async function callersPatients(ivr: Ivr) {
  return isE164(ivr.call.fromNumber) ? patientsByPhone(ivr.ctx.db.prisma, ivr.call.clinic.id, ivr.call.fromNumber) : [];
}

/**
 * Who the appointment is for. Caller ID can be spoofed, so no name is said until the
 * caller keys a date of birth that belongs to a patient on their number; someone new
 * gives their name and date of birth.
 */
async function whoFor(ivr: Ivr, p: { type: string; slot: string }): Promise<string> {
  if ((await callersPatients(ivr)).length === 0) return askName(ivr, p);
  return ivr.ask(ivr.url('book/who', p), 'Is the appointment for someone already registered with us? Press 1. For someone new, press 2.', ivr.url('menu', { silence: '1' }));
}

export async function choosePatient(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  if (body.Digits === '1') return askBirthDate(ivr, { ...p, attempt: '1' }, 'book/known-dob');
  if (body.Digits === '2') return askName(ivr, p);
  ivr.say("Sorry, that isn't one of the choices.");
  return whoFor(ivr, p);
}

/** The patients on the caller's number with this date of birth: the caller has shown they know it. */
export async function matchBirthDate(ivr: Ivr, digits: string | undefined) {
  const keyed = parseBirthDate(digits, ivr.call.clinic.locale, ivr.ctx.clock());
  const matches = keyed ? (await callersPatients(ivr)).filter((patient) => patient.dateOfBirth === keyed) : [];
  if (keyed && matches.length > 0) await ivr.saveState({ ...ivr.state(), verifiedDob: keyed, ...(matches.length === 1 ? { verifiedPatientId: matches[0]!.id } : {}) });
  return matches;
}

/** A patient the caller picked by name among those whose date of birth they keyed: verified, or null. */
export async function pickVerified(ivr: Ivr, patientId: string | undefined): Promise<string | null> {
  const dob = ivr.state().verifiedDob;
  const chosen = patientId && dob ? (await callersPatients(ivr)).find((p) => p.id === patientId && p.dateOfBirth === dob) : undefined;
  if (!chosen) return null;
  await ivr.saveState({ ...ivr.state(), verifiedPatientId: chosen.id });
  return chosen.id;
}

export async function knownBirthDate(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  const attempt = Number(q.attempt ?? '1');
  const matches = await matchBirthDate(ivr, body.Digits);
  if (matches.length === 1) return confirmBooking(ivr, { ...p, patient: matches[0]!.id });
  if (matches.length > 1) {
    const options = matches.map((m, i) => `For ${m.name}, press ${i + 1}.`).join(' ');
    return ivr.ask(ivr.url('book/which', { ...p, ...Object.fromEntries(matches.map((m, i) => [`p${i + 1}`, m.id])) }), `Who is the appointment for? ${options}`, ivr.url('menu', { silence: '1' }));
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

export async function birthDateNotFound(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  if (body.Digits === '2') return askName(ivr, p);
  return askBirthDate(ivr, { ...p, attempt: String(Number(q.attempt ?? '1') + 1) }, 'book/known-dob');
}

export async function chooseVerified(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  const patient = await pickVerified(ivr, q[`p${body.Digits}`]);
  if (!patient) return whoFor(ivr, p);
  return confirmBooking(ivr, { ...p, patient });
}

function askName(ivr: Ivr, p: { type: string; slot: string }, attempt = 1): string {
  return ivr.ask(ivr.url('book/name', { ...p, attempt: String(attempt) }), "Please say the patient's full name.", ivr.url('book/name', { ...p, attempt: String(attempt), silence: '1' }), { speech: true });
}

export async function heardName(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  const attempt = Number(q.attempt ?? '1');
  const name = body.SpeechResult?.trim().replace(/[.!?]+$/, '');
  if (q.silence || !name) {
    if (attempt >= MAX_MENU_ATTEMPTS) return reception(ivr);
    ivr.say("Sorry, I didn't hear a name.");
    return askName(ivr, p, attempt + 1);
  }
  await ivr.saveState({ ...ivr.state(), newPatientName: name.slice(0, 120) });
  return ivr.ask(ivr.url('book/name-ok', { ...p, attempt: String(attempt) }), `I heard ${name}. If that's right, press 1. To say it again, press 2.`, ivr.url('menu', { silence: '1' }));
}

export async function nameConfirmed(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  if (body.Digits !== '1') return askName(ivr, p, Number(q.attempt ?? '1') + 1);
  return askBirthDate(ivr, p);
}

const usOrder = (locale: string) => locale.toLowerCase() === 'en-us';

export function askBirthDate(ivr: Ivr, p: Params, path = 'book/dob'): string {
  const how = usOrder(ivr.call.clinic.locale) ? 'month, day and year, for example 0 4 2 3 1 9 8 0' : 'day, month and year, for example 2 3 0 4 1 9 8 0';
  return ivr.ask(ivr.url(path, p), `Please key the patient's date of birth as eight digits: ${how}.`, ivr.url('menu', { silence: '1' }), { digits: 8 });
}

/** Eight keypad digits as a date of birth (DDMMYYYY, or MMDDYYYY for American clinics); null when not a real past date. */
export function parseBirthDate(digits: string | undefined, locale: string, now: Date): string | null {
  if (!digits || !/^\d{8}$/.test(digits)) return null;
  const [a, b, year] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4))];
  const [month, day] = usOrder(locale) ? [a, b] : [b, a];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || year < 1900 || date > now) return null;
  return date.toISOString().slice(0, 10);
}

export async function heardBirthDate(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  const dob = parseBirthDate(body.Digits, ivr.call.clinic.locale, ivr.ctx.clock());
  if (!dob) {
    ivr.say("Sorry, that isn't a date of birth I can use.");
    return askBirthDate(ivr, p);
  }
  await ivr.saveState({ ...ivr.state(), newPatientDob: dob });
  const spoken = DateTime.fromISO(dob).setLocale('en-GB');
  const said = usOrder(ivr.call.clinic.locale) ? `${spoken.toFormat('LLLL')} ${ordinal(spoken.day)}, ${spoken.year}` : `the ${ordinal(spoken.day)} of ${spoken.toFormat('LLLL')} ${spoken.year}`;
  return ivr.ask(ivr.url('book/dob-ok', p), `That's ${said}. If that's right, press 1. To key it again, press 2.`, ivr.url('menu', { silence: '1' }));
}

export async function birthDateConfirmed(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot! };
  if (body.Digits !== '1' || !ivr.state().newPatientDob) return askBirthDate(ivr, p);
  return confirmBooking(ivr, { ...p, patient: 'new' });
}

async function confirmBooking(ivr: Ivr, p: { type: string; slot: string; patient: string }): Promise<string> {
  const [practitionerId, startsAt] = p.slot.split('@');
  const names = await spokenNames(ivr, [{ practitionerId: practitionerId! }]);
  const who = p.patient === 'new' ? ivr.state().newPatientName : (await ivr.ctx.db.prisma.patient.findFirst({ where: { id: p.patient, clinicId: ivr.call.clinic.id }, select: { name: true } }))?.name;
  const when = speakSlot({ startsAt: new Date(startsAt!), spokenName: names.get(practitionerId!) ?? '' }, ivr.speakOptions());
  return ivr.ask(ivr.url('book/confirm', p), `To book ${when} for ${who}, press 1. To choose another time, press 2.`, ivr.url('menu', { silence: '1' }));
}

function bookedMessage(ivr: Ivr, startsAt: Date, spokenName: string): string {
  ivr.say(`You're booked for ${speakSlot({ startsAt, spokenName }, ivr.speakOptions())}. Thank you for calling. Goodbye.`);
  ivr.response.hangup();
  return ivr.twiml();
}

export async function confirmed(ivr: Ivr, q: Params, body: Params): Promise<string> {
  const p = { type: q.type!, slot: q.slot!, patient: q.patient! };
  if (body.Digits !== '1') return offerSlots(ivr, p.type);
  // Booking in a registered patient's name needs their date of birth keyed on this call.
  if (p.patient !== 'new' && ivr.state().verifiedPatientId !== p.patient) return whoFor(ivr, p);
  // Twilio may repeat this request: the second time, the booking already stands.
  const done = ivr.state().bookedAppointmentId;
  const already = done ? await ivr.ctx.db.prisma.appointment.findFirst({ where: { id: done, clinicId: ivr.call.clinic.id }, include: { practitioner: { select: { spokenName: true } } } }) : null;
  if (already) return bookedMessage(ivr, already.startsAt, already.practitioner.spokenName);
  const [practitionerId, startsAtText] = p.slot.split('@');
  const startsAt = new Date(startsAtText!);
  const { prisma } = ivr.ctx.db;
  let patientId = p.patient;
  if (patientId === 'new') {
    const state = ivr.state();
    if (!state.newPatientName || !state.newPatientDob) return askName(ivr, p);
    const phone = isE164(ivr.call.fromNumber) ? ivr.call.fromNumber : null;
    // A retry of this request must not make a second patient: reuse the one this call made.
    const existing = state.newPatientId ? await prisma.patient.findFirst({ where: { id: state.newPatientId, clinicId: ivr.call.clinic.id } }) : null;
    const patient = existing ?? (await prisma.patient.create({ data: { clinicId: ivr.call.clinic.id, name: state.newPatientName, phone, dateOfBirth: new Date(state.newPatientDob) } }));
    await ivr.saveState({ ...state, newPatientId: patient.id });
    patientId = patient.id;
  }
  try {
    const state = (bookedAppointmentId: string) => ({ ...ivr.state(), bookedAppointmentId });
    const appointment = await bookAppointment(
      { prisma, events: ivr.ctx.events, clock: ivr.ctx.clock },
      { clinicId: ivr.call.clinic.id, practitionerId: practitionerId!, typeId: p.type, patientId, startsAt, source: 'phone', actor: { type: 'system' }, alongWith: ivr.outcomeAlongWith('booked', state) },
    );
    ivr.call.ivrState = state(appointment.id);
    const names = await spokenNames(ivr, [appointment]);
    return bookedMessage(ivr, startsAt, names.get(appointment.practitionerId) ?? '');
  } catch (err) {
    if (err instanceof SlotTakenError) return offerSlots(ivr, p.type, undefined, 'Sorry, that time was taken a moment ago.');
    throw err;
  }
}
