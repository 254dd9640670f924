// Booking by phone, one small handler per Twilio request, every question answered by
// keys or in the caller's words. What the caller wishes for (type, who, day, time) is
// kept with the call (Call.ivrState) across answers, so only what is missing is asked;
// the free times offered travel in the action URLs (Twilio signs them); a new caller's
// name and date of birth stay in the database until the call ends.
import { DateTime } from 'luxon';
import { afterTask, type StoredWish } from '../calls/call-state.js';
import { isE164 } from '../core/validation.js';
import { nextFreeSlots } from '../diary/availability.js';
import { bookAppointment, SlotTakenError } from '../diary/booking.js';
import type { Slot } from '../diary/slots.js';
import type { Wish } from '../understanding/understand.js';
import type { Heard, Params } from '../voice/call-step.js';
import { article, ordinal } from '../voice/speech.js';
import { choiceOf, type StepQuery } from '../voice/steps.js';
import {
  askBirthDate,
  birthDateHeard,
  byFirstName,
  callersPatients,
  matchBirthDate,
  offeredPatients,
  pickVerified,
  tooManyGuesses,
  usOrder,
} from './identity.js';
import { bestFirst, OFFER_SIZE, searchesFor, speakOffer, speakWhen, widenedNote } from './offering.js';
import { type OfferAnswer, offerAnswer } from './offer-answer.js';
import { type Ivr, outcomeAlongWith } from './phone.js';
import { reception } from './reception-hours.js';
import { anythingElse, steer, tryAgain } from './steering.js';

/**
 * The wish kept with the call, with what was just said laid over it. A part of the day
 * or a time said replaces both ("the afternoon instead" after "at 10").
 */
export function wishWith(ivr: Ivr, said: Wish = {}): StoredWish {
  const kept = { ...ivr.state().wish };
  if (said.partOfDay || said.time) {
    delete kept.partOfDay;
    delete kept.time;
  }
  const merged: StoredWish = { ...kept };
  for (const [k, v] of Object.entries(said)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}

async function keepWish(ivr: Ivr, wish: StoredWish, task?: 'book' | 'move'): Promise<void> {
  await ivr.saveState({ ...ivr.state(), wish, ...(task ? { task } : {}) });
}

/** Booking begins: ask only what the caller has not said — the type, when there is a choice — then offer times. */
export async function bookingStart(ivr: Ivr, said: Wish): Promise<string> {
  const types = ivr.call.words.types;
  if (types.length === 0) {
    ivr.say("Sorry, appointments can't be booked by phone at this clinic. I'll put you through to reception.");
    return reception(ivr);
  }
  // A new task starts from what was just said, not from the last task's wish.
  const wish: StoredWish = { ...said };
  // Only one type to book, or only one that the practitioner asked for offers: no need to ask.
  const possible = wish.practitionerIds
    ? types.filter((t) => t.practitionerIds?.some((id) => wish.practitionerIds!.includes(id)))
    : types;
  if (!wish.typeId && possible.length === 1) wish.typeId = possible[0]!.id;
  await keepWish(ivr, wish, 'book');
  if (!wish.typeId) return askType(ivr, '1');
  return offerTimes(ivr, wish, { path: 'book/slot' });
}

function askType(ivr: Ivr, attempt: string): string {
  const types = ivr.call.words.types;
  const keyed = types.slice(0, 9).map((t, i) => `${i + 1} for ${t.name}`);
  const prompt =
    attempt === '1'
      ? `What is the appointment for? Say it, or press ${keyed.join(', ')}.`
      : `Say the kind of appointment, or press ${keyed.join(', ')}.`;
  return ivr.ask(ivr.url('book/type', { attempt }), prompt, ivr.url('book/type', { attempt, silence: '1' }));
}

export async function chooseType(ivr: Ivr, q: StepQuery<'book/type'>, body: Params): Promise<string> {
  // Heard as a choice among those listed: "the first one" works as well as "a check-up".
  const heard = ivr.hear(body, 'offer', q.silence);
  const steered = await steer(ivr, heard, () => askType(ivr, q.attempt ?? '1'));
  if (steered) return steered;
  const types = ivr.call.words.types;
  const choice = heard.understood?.choice;
  const keyed = heard.digits
    ? types[Number(heard.digits) - 1]
    : choice !== undefined
      ? types[choice === 'last' ? types.length - 1 : choice - 1]
      : undefined;
  const said = heard.understood?.wish ?? {};
  const typeId = keyed?.id ?? said.typeId;
  if (!typeId) {
    // "On Tuesday morning" is kept while the type is asked again.
    if (Object.keys(said).length) await keepWish(ivr, wishWith(ivr, said));
    return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => askType(ivr, next), heard.silent);
  }
  const wish = wishWith(ivr, { ...said, typeId });
  await keepWish(ivr, wish);
  return offerTimes(ivr, wish, { path: 'book/slot' });
}

const encodeSlot = (s: Slot) => `${s.practitionerId}@${s.startsAt.toISOString()}`;
export const decodeSlot = (encoded: string) => {
  const [practitionerId, startsAt] = encoded.split('@');
  return { practitionerId: practitionerId!, startsAt: new Date(startsAt!) };
};

/** Where the choice of time goes: booking, or moving the appointment `appt`. */
export type SlotStep = { path: 'book/slot' } | { path: 'change/slot'; appt: string };

export async function spokenNames(ivr: Ivr, slots: Array<{ practitionerId: string }>) {
  const known = new Map(ivr.call.words.practitioners.map((p) => [p.id, p.spokenName]));
  const missing = slots.map((s) => s.practitionerId).filter((id) => !known.has(id));
  if (missing.length) {
    const rows = await ivr.deps.db.prisma.practitioner.findMany({
      where: { id: { in: missing }, clinicId: ivr.call.clinic.id },
      select: { id: true, spokenName: true },
    });
    for (const r of rows) known.set(r.id, r.spokenName);
  }
  return known;
}

/** The free times that best fit the wish: the wish itself, else the nearest, saying what was widened. */
export async function offerTimes(
  ivr: Ivr,
  wish: StoredWish,
  step: SlotStep,
  options: { after?: Date; apology?: string } = {},
): Promise<string> {
  const now = ivr.deps.clock();
  const zone = { timeZone: ivr.call.clinic.timeZone, now };
  let slots: Slot[] = [];
  let note = '';
  for (const search of searchesFor(wish, zone)) {
    const after =
      options.after && search.from
        ? new Date(Math.max(options.after.getTime(), search.from.getTime()))
        : (options.after ?? search.from);
    const found = await nextFreeSlots(ivr.deps.db.prisma, {
      clinicId: ivr.call.clinic.id,
      typeId: wish.typeId!,
      // Near a time: enough to hold every practitioner's times in the window, so the nearest is among them.
      limit: search.nearMinute !== undefined ? Math.max(24, 13 * ivr.call.words.practitioners.length) : OFFER_SIZE,
      after,
      before: search.before,
      minutes: search.minutes,
      practitionerIds: search.practitionerIds,
      applyNotice: true,
      now,
    });
    if (found.length === 0) continue;
    slots = bestFirst(found, search, zone.timeZone);
    const names = await spokenNames(ivr, wish.practitionerIds?.map((practitionerId) => ({ practitionerId })) ?? []);
    if (!options.after)
      note = widenedNote(search, wish, {
        ...ivr.speakOptions(),
        practitionerNames: (wish.practitionerIds ?? [])
          .map((id) => names.get(id) ?? '')
          .filter(Boolean)
          .join(' or '),
      });
    break;
  }
  if (options.apology) ivr.say(options.apology);
  if (slots.length === 0) {
    ivr.say(
      options.after
        ? 'There are no later free times.'
        : 'Sorry, there are no free times to book by phone at the moment.',
    );
    return reception(ivr);
  }
  if (note) ivr.say(note);
  return presentOffer(ivr, slots.map(encodeSlot), wish.typeId!, step, '1');
}

/** Says the times offered and asks for one; the same words again on "repeat". */
export async function presentOffer(
  ivr: Ivr,
  offered: string[],
  typeId: string,
  step: SlotStep,
  attempt: string,
  lead?: string,
): Promise<string> {
  // Said (and numbered) by practitioner, then time: "Dr Patel has 11 or quarter past; Dr Khan has 11".
  const slots = offered.map((encoded) => ({ encoded, ...decodeSlot(encoded) }));
  const first = new Map<string, number>();
  slots.forEach((s, i) => first.set(s.practitionerId, first.get(s.practitionerId) ?? i));
  slots.sort(
    (a, b) =>
      first.get(a.practitionerId)! - first.get(b.practitionerId)! || a.startsAt.getTime() - b.startsAt.getTime(),
  );
  offered = slots.map((s) => s.encoded);
  const names = await spokenNames(ivr, slots);
  const lastStart = Math.max(...slots.map((s) => s.startsAt.getTime()));
  const later = new Date(lastStart + 60_000).toISOString();
  const offer = { type: typeId, later, attempt, ...Object.fromEntries(offered.map((s, i) => [`s${i + 1}`, s])) };
  const url = (silence: boolean) => {
    const q = { ...offer, ...(silence ? { silence: '1' as const } : {}) };
    return step.path === 'change/slot' ? ivr.url('change/slot', { ...q, appt: step.appt }) : ivr.url('book/slot', q);
  };
  const keys =
    slots.length === 1
      ? 'To take it, say yes or press 1.'
      : `To take one, say the time, or press 1${slots.length === 3 ? ', 2 or 3' : ' or 2'} in that order.`;
  const said = speakOffer(
    slots.map((s) => ({ ...s, endsAt: s.startsAt })),
    names,
    ivr.speakOptions(),
  );
  return ivr.ask(
    url(false),
    `${lead ? `${lead} ` : ''}${said} ${keys} For later times, press 9, or say another day or time.`,
    url(true),
  );
}

/** The caller's answer to the times offered, booking or moving. */
export async function answerOffer(
  ivr: Ivr,
  q: StepQuery<'book/slot'>,
  body: Params,
  step: SlotStep,
  take: (slot: string) => Promise<string>,
): Promise<string> {
  if (!q.type) return reception(ivr);
  const offered = [q.s1, q.s2, q.s3].filter((s): s is string => Boolean(s));
  const attempt = q.attempt ?? '1';
  if (offered.length === 0) return offerTimes(ivr, wishWith(ivr, { typeId: q.type }), step);
  const again = (next: string, lead?: string) => presentOffer(ivr, offered, q.type!, step, next, lead);
  const heard = ivr.hear(body, 'offer', q.silence);
  const steered = await steer(ivr, heard, () => again(attempt));
  if (steered) return steered;
  const answer: OfferAnswer = offerAnswer(heard, offered.map(decodeSlot), ivr.call.clinic.timeZone);
  switch (answer.kind) {
    case 'take':
      return take(offered[answer.index]!);
    case 'later':
      if (!q.later) return again(attempt);
      return offerTimes(ivr, wishWith(ivr, { typeId: q.type }), step, { after: new Date(q.later) });
    case 'earlier': {
      const wish = wishWith(ivr, { typeId: q.type });
      return offerTimes(ivr, wish, step, { apology: 'The earliest times that fit are these.' });
    }
    case 'wish': {
      // A move keeps the appointment's type: only when and with whom change.
      const typeId = step.path === 'change/slot' ? q.type : (answer.wish.typeId ?? q.type);
      const wish = wishWith(ivr, { ...answer.wish, typeId });
      await keepWish(ivr, wish);
      return offerTimes(ivr, wish, step);
    }
    case 'no':
      return again(attempt, 'No problem.');
    case 'which':
      return again(attempt, 'Which one would you like?');
    case 'unclear':
      return tryAgain(ivr, Number(attempt), (next) => again(next), heard.silent);
  }
}

export const chooseSlot = (ivr: Ivr, q: StepQuery<'book/slot'>, body: Params): Promise<string> =>
  answerOffer(ivr, q, body, { path: 'book/slot' }, (slot) => whoFor(ivr, { type: q.type!, slot }));

type Booking = { type: string; slot: string };

/** Yes (1) or no (2), by key or in words; null when it is neither. */
export function yesOrNo(heard: Heard): boolean | null {
  if (heard.digits === '1') return true;
  if (heard.digits === '2') return false;
  const intent = heard.understood?.intent;
  return intent === 'yes' ? true : intent === 'no' ? false : null;
}

/**
 * Who the appointment is for. Caller ID can be spoofed, so no name is said until the
 * caller gives a date of birth that belongs to a patient on their number; someone new
 * gives their name and date of birth.
 */
async function whoFor(ivr: Ivr, p: Booking, attempt = '1'): Promise<string> {
  if ((await callersPatients(ivr)).length === 0) return askName(ivr, p);
  return ivr.ask(
    ivr.url('book/who', { ...p, attempt }),
    'Is the appointment for someone already registered with us? Say yes or press 1. For someone new, say new or press 2.',
    ivr.url('book/who', { ...p, attempt, silence: '1' }),
  );
}

export async function choosePatient(ivr: Ivr, q: StepQuery<'book/who'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () => whoFor(ivr, p, q.attempt));
  if (steered) return steered;
  const registered = /\bnew\b/i.test(heard.said ?? '') ? false : yesOrNo(heard);
  if (registered === true) return askBirthDate(ivr, 'book/known-dob', { ...p, attempt: '1' });
  if (registered === false) return askName(ivr, p);
  return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => whoFor(ivr, p, next), heard.silent);
}

export async function knownBirthDate(ivr: Ivr, q: StepQuery<'book/known-dob'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'birthDate', q.silence);
  const steered = await steer(ivr, heard, () =>
    askBirthDate(ivr, 'book/known-dob', { ...p, attempt: String(attempt) }),
  );
  if (steered) return steered;
  if (heard.silent)
    return tryAgain(ivr, attempt, (next) => askBirthDate(ivr, 'book/known-dob', { ...p, attempt: next }), true);
  const matches = await matchBirthDate(ivr, birthDateHeard(ivr, heard));
  if (matches.length === 1) return confirmBooking(ivr, { ...p, patient: matches[0]!.id });
  if (matches.length > 1) return askWhichPatient(ivr, p, matches, '1');
  if (attempt >= 3 || tooManyGuesses(ivr)) {
    ivr.say("Sorry, that doesn't match our records, so I'll put you through to reception.");
    return reception(ivr);
  }
  return ivr.ask(
    ivr.url('book/not-found', { ...p, attempt: String(attempt) }),
    "Sorry, that date of birth doesn't match anyone registered on this number. To try it again, say again or press 1. To book for someone new, say new or press 2.",
    ivr.url('book/not-found', { ...p, attempt: String(attempt), silence: '1' }),
  );
}

/** Twins, or a family sharing a date of birth: which of them, by first name or key. */
function askWhichPatient(ivr: Ivr, p: Booking, matches: Array<{ id: string; name: string }>, attempt: string) {
  const options = matches.map((m, i) => `For ${m.name}, press ${i + 1}.`).join(' ');
  const q = { ...p, attempt, ...Object.fromEntries(matches.map((m, i) => [`p${i + 1}`, m.id])) };
  return ivr.ask(
    ivr.url('book/which', q),
    `Who is the appointment for? Say their first name, or: ${options}`,
    ivr.url('book/which', { ...q, silence: '1' }),
  );
}

export async function birthDateNotFound(ivr: Ivr, q: StepQuery<'book/not-found'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () =>
    askBirthDate(ivr, 'book/known-dob', { ...p, attempt: q.attempt ?? '1' }),
  );
  if (steered) return steered;
  if (heard.digits === '2' || /\bnew\b/i.test(heard.said ?? '')) return askName(ivr, p);
  return askBirthDate(ivr, 'book/known-dob', { ...p, attempt: String(Number(q.attempt ?? '1') + 1) });
}

export async function chooseVerified(ivr: Ivr, q: StepQuery<'book/which'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const heard = ivr.hear(body, 'yesno', q.silence);
  const offered = await offeredPatients(ivr, q);
  const again = (attempt: string) => askWhichPatient(ivr, p, offered, attempt);
  const steered = await steer(ivr, heard, () => again(q.attempt ?? '1'));
  if (steered) return steered;
  const byName = heard.said ? byFirstName(offered, heard.said) : undefined;
  const patient = await pickVerified(ivr, byName ?? choiceOf(q, 'p', heard.digits));
  if (!patient) return tryAgain(ivr, Number(q.attempt ?? '1'), again, heard.silent);
  return confirmBooking(ivr, { ...p, patient });
}

function askName(ivr: Ivr, p: Booking, attempt = 1): string {
  return ivr.ask(
    ivr.url('book/name', { ...p, attempt: String(attempt) }),
    attempt === 1 ? "Please say the patient's full name." : "Please say just the patient's first name and surname.",
    ivr.url('book/name', { ...p, attempt: String(attempt), silence: '1' }),
  );
}

export async function heardName(ivr: Ivr, q: StepQuery<'book/name'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'name', q.silence);
  const steered = await steer(ivr, heard, () => askName(ivr, p, attempt));
  if (steered) return steered;
  const name = heard.understood?.name;
  if (!name) {
    if (attempt >= 3) return reception(ivr);
    ivr.say("Sorry, I didn't hear a name.");
    return askName(ivr, p, attempt + 1);
  }
  // A name heard is a new patient to make: never one this call made before.
  await ivr.saveState({ ...ivr.state(), newPatientName: name.slice(0, 120), newPatientId: undefined });
  return askNameRight(ivr, p, name, attempt);
}

function askNameRight(ivr: Ivr, p: Booking, name: string, attempt: number): string {
  return ivr.ask(
    ivr.url('book/name-ok', { ...p, attempt: String(attempt) }),
    `I heard ${name}. Is that right? Say yes or press 1. To say it again, say no or press 2.`,
    ivr.url('book/name-ok', { ...p, attempt: String(attempt), silence: '1' }),
  );
}

export async function nameConfirmed(ivr: Ivr, q: StepQuery<'book/name-ok'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const name = ivr.state().newPatientName;
  const heard = ivr.hear(body, 'yesno', q.silence);
  const again = () => (name ? askNameRight(ivr, p, name, attempt) : askName(ivr, p, attempt));
  const steered = await steer(ivr, heard, again);
  if (steered) return steered;
  const yes = yesOrNo(heard);
  if (yes === true && name) return askBirthDate(ivr, 'book/dob', p);
  if (yes === false || !name) return askName(ivr, p, attempt + 1);
  // Silence or words that are neither: the same question once more, not the name thrown away.
  return tryAgain(ivr, attempt, (next) => askNameRight(ivr, p, name, Number(next)), heard.silent);
}

export async function heardBirthDate(ivr: Ivr, q: StepQuery<'book/dob'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'birthDate', q.silence);
  const steered = await steer(ivr, heard, () => askBirthDate(ivr, 'book/dob', { ...p, attempt: String(attempt) }));
  if (steered) return steered;
  const dob = birthDateHeard(ivr, heard);
  if (!dob) {
    if (attempt >= 3) return reception(ivr);
    ivr.say(heard.silent ? "Sorry, I didn't hear a date of birth." : "Sorry, that isn't a date of birth I can use.");
    return askBirthDate(ivr, 'book/dob', { ...p, attempt: String(attempt + 1) });
  }
  await ivr.saveState({ ...ivr.state(), newPatientDob: dob });
  const spoken = DateTime.fromISO(dob).setLocale('en-GB');
  const said = usOrder(ivr.call.clinic.locale)
    ? `${spoken.toFormat('LLLL')} ${ordinal(spoken.day)}, ${spoken.year}`
    : `the ${ordinal(spoken.day)} of ${spoken.toFormat('LLLL')} ${spoken.year}`;
  const ok = { ...p, attempt: String(attempt) };
  return ivr.ask(
    ivr.url('book/dob-ok', ok),
    `That's ${said}. Is that right? Say yes or press 1. To give it again, say no or press 2.`,
    ivr.url('book/dob-ok', { ...ok, silence: '1' }),
  );
}

export async function birthDateConfirmed(ivr: Ivr, q: StepQuery<'book/dob-ok'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot };
  const attempt = Number(q.attempt ?? '1');
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () => askBirthDate(ivr, 'book/dob', { ...p, attempt: String(attempt) }));
  if (steered) return steered;
  if (yesOrNo(heard) === true && ivr.state().newPatientDob) return confirmBooking(ivr, { ...p, patient: 'new' });
  // "No", silence or anything else: the date is asked again, a few times at most.
  if (attempt >= 3) return reception(ivr);
  return askBirthDate(ivr, 'book/dob', { ...p, attempt: String(attempt + 1) });
}

/** "a check-up with Dr Khan on Tuesday the 8th at 2": what is being booked, in one phrase. */
async function describeBooking(ivr: Ivr, p: Booking, full = false): Promise<string> {
  const { practitionerId, startsAt } = decodeSlot(p.slot);
  const names = await spokenNames(ivr, [{ practitionerId }]);
  const type = ivr.call.words.types.find((t) => t.id === p.type)?.name ?? 'an appointment';
  const typed = type === 'an appointment' ? type : `${article(type)} ${type.toLowerCase()}`;
  return `${typed} with ${names.get(practitionerId) ?? 'us'} ${speakWhen(startsAt, ivr.speakOptions(), full)}`;
}

async function confirmBooking(ivr: Ivr, p: Booking & { patient: string }, attempt = '1'): Promise<string> {
  const who =
    p.patient === 'new'
      ? ivr.state().newPatientName
      : (
          await ivr.deps.db.prisma.patient.findFirst({
            where: { id: p.patient, clinicId: ivr.call.clinic.id },
            select: { name: true },
          })
        )?.name;
  return ivr.ask(
    ivr.url('book/confirm', { ...p, attempt }),
    `To book ${await describeBooking(ivr, p)} for ${who}, say yes or press 1. To choose another time, say no or press 2.`,
    ivr.url('book/confirm', { ...p, attempt, silence: '1' }),
  );
}

async function booked(ivr: Ivr, p: Booking): Promise<string> {
  ivr.say(`You're booked for ${await describeBooking(ivr, p, true)}.`);
  return anythingElse(ivr);
}

export async function confirmed(ivr: Ivr, q: StepQuery<'book/confirm'>, body: Params): Promise<string> {
  const p = { type: q.type, slot: q.slot, patient: q.patient };
  // Twilio may repeat this request: the second time, the booking already stands.
  const done = ivr.state().bookedAppointmentId;
  const already = done
    ? await ivr.deps.db.prisma.appointment.findFirst({ where: { id: done, clinicId: ivr.call.clinic.id } })
    : null;
  if (already && `${already.practitionerId}@${already.startsAt.toISOString()}` === p.slot) return booked(ivr, p);
  // The call has ended: a request for this step now is a replay, and books nothing.
  if (ivr.call.endedAt) return ivr.goodbye();
  const heard = ivr.hear(body, 'yesno', q.silence);
  const steered = await steer(ivr, heard, () => confirmBooking(ivr, p, q.attempt));
  if (steered) return steered;
  // "Yes, but with Dr Khan", "can we make it Friday instead": a change, not a yes.
  const changed = heard.understood?.wish;
  if (changed && (changed.day || changed.time || changed.partOfDay || changed.practitionerIds)) {
    const wish = wishWith(ivr, { ...changed, typeId: p.type });
    await keepWish(ivr, wish);
    return offerTimes(ivr, wish, { path: 'book/slot' });
  }
  const yes = yesOrNo(heard);
  if (yes === null)
    return tryAgain(ivr, Number(q.attempt ?? '1'), (next) => confirmBooking(ivr, p, next), heard.silent);
  if (!yes) return offerTimes(ivr, wishWith(ivr, { typeId: p.type }), { path: 'book/slot' });
  // Booking in a registered patient's name needs their date of birth given on this call.
  if (p.patient !== 'new' && ivr.state().verifiedPatientId !== p.patient) return whoFor(ivr, p);
  const { practitionerId, startsAt } = decodeSlot(p.slot);
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
    const state = (bookedAppointmentId: string) => ({ ...afterTask(ivr.state()), bookedAppointmentId });
    const appointment = await bookAppointment(ivr.deps, {
      clinicId: ivr.call.clinic.id,
      practitionerId,
      typeId: p.type,
      patientId,
      startsAt,
      source: 'phone',
      actor: { type: 'system' },
      alongWith: outcomeAlongWith(ivr, 'booked', state),
    });
    ivr.call.ivrState = state(appointment.id);
    return booked(ivr, p);
  } catch (err) {
    if (err instanceof SlotTakenError)
      return offerTimes(
        ivr,
        wishWith(ivr, { typeId: p.type }),
        { path: 'book/slot' },
        {
          apology: 'Sorry, that time was taken a moment ago.',
        },
      );
    throw err;
  }
}
