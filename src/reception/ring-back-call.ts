// The ring-back call itself, as Twilio reports it: the patient's phone answered (a person
// presses 1, a machine hears a short message and never completes a call-back), the key,
// the bridge to the receptionist's browser, and the call's end. Each request names its try.
import twilio from 'twilio';
import type { Prisma } from '../db/database.js';
import { voiceFor } from '../voice/twiml.js';
import { staffIdentity } from './answering.js';
import { availableStaff } from './presence.js';
import { freeReceptionists, onACall, type RingBackDeps, ringBackUrl } from './ring-back.js';
import { settleAttempt, type TryOutcome } from './ring-back-tries.js';

const { VoiceResponse } = twilio.twiml;

/** Says `words` and hangs up: how every try that goes no further ends. */
function sayAndHangUp(voice: ReturnType<typeof voiceFor>, words: string): string {
  const response = new VoiceResponse();
  if (words) response.say(voice, words);
  response.hangup();
  return response.toString();
}

/** What to promise a patient we could not reach this time: another try, or after the clinic's last, a call from them. */
const tryAgain = (
  attempt: { callBack: { attemptsMade: number; clinic: { callBackAttempts: number } } },
  soon: string,
) =>
  attempt.callBack.attemptsMade >= attempt.callBack.clinic.callBackAttempts
    ? 'Please call us back when you can.'
    : `We will try again ${soon}.`;

/** What a patient who pressed 1 hears when reception could not take them: from what became of the call-back. */
const afterOurFailure = (outcome: TryOutcome | null) =>
  outcome === 'retry'
    ? 'You keep your place, and we will ring you again in a minute or two.'
    : 'Reception will call you back as soon as they can.';

async function attemptFor(prisma: Prisma, attemptId: unknown) {
  if (typeof attemptId !== 'string' || !/^[0-9a-f-]{36}$/.test(attemptId)) return null;
  return prisma.callBackAttempt.findUnique({
    where: { id: attemptId },
    include: { callBack: { include: { clinic: { select: { name: true, locale: true, callBackAttempts: true } } } } },
  });
}

/**
 * The patient's phone was answered. Who is calling comes first; a machine hears a short
 * message and nothing more (it can never complete a call-back); a person presses 1.
 */
export async function ringBackAnswered(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const voice = voiceFor(attempt?.callBack.clinic.locale);
  if (!attempt) return sayAndHangUp(voice, '');
  const name = attempt.callBack.clinic.name;
  if (/^(machine|fax)/.test(body.AnsweredBy ?? '')) {
    await deps.db.prisma.callBackAttempt.updateMany({
      where: { id: attempt.id, result: null },
      data: { result: 'machine' },
    });
    return sayAndHangUp(voice, `This is ${name}, returning your call. ${tryAgain(attempt, 'shortly')}`);
  }
  const response = new VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 8,
    action: ringBackUrl(deps, 'confirm', attempt.id),
    method: 'POST',
  });
  gather.say(voice, `This is ${name}, calling you back as you asked. To be put through to reception now, press 1.`);
  response.say(voice, `${tryAgain(attempt, 'later')} Goodbye.`);
  response.hangup();
  return response.toString();
}

/**
 * The patient pressed a key: 1 puts them through to the reserved receptionist's browser.
 * Should that person have gone or be on another call, another free one takes the
 * call-back; with nobody free, the try ends unconnected and the patient is told what next.
 */
export async function ringBackConfirmed(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const voice = voiceFor(attempt?.callBack.clinic.locale);
  if (!attempt || body.Digits !== '1' || !attempt.staffId)
    return sayAndHangUp(voice, `${attempt ? tryAgain(attempt, 'later') : ''} Goodbye.`.trim());
  await deps.db.prisma.callBackAttempt.updateMany({
    where: { id: attempt.id, result: null },
    data: { result: 'confirmed' },
  });
  const staffId = await whoTakesIt(deps, attempt);
  if (staffId === 'closed')
    return sayAndHangUp(
      voice,
      'Sorry, this call-back was closed in the meantime. Please call us if you still need us.',
    );
  if (!staffId) {
    const outcome = await settleAttempt(deps, attempt.id, 'not_put_through');
    return sayAndHangUp(voice, `Sorry, reception has just become busy. ${afterOurFailure(outcome)} Goodbye.`);
  }
  const response = new VoiceResponse();
  response
    .dial({
      answerOnBridge: true,
      timeout: 20,
      action: ringBackUrl(deps, 'bridged', attempt.id),
      method: 'POST',
    })
    .client({}, staffIdentity(staffId));
  return response.toString();
}

/**
 * Who takes a confirmed ring-back: the reserved person while they still take calls and
 * are on no other call, else another free receptionist, who takes over the call-back (one
 * conditional write, so two instances never hand it to two people); null when nobody is
 * free; `closed` when this try no longer holds the call-back (closed by hand, swept).
 */
async function whoTakesIt(
  deps: RingBackDeps,
  attempt: { id: string; callBackId: string; clinicId: string; staffId: string | null },
): Promise<string | null | 'closed'> {
  const { prisma } = deps.db;
  const now = deps.clock();
  const entry = await prisma.callBack.findUnique({ where: { id: attempt.callBackId } });
  if (!entry || entry.doneAt || entry.attemptId !== attempt.id) return 'closed';
  const reserved = attempt.staffId;
  if (
    reserved &&
    (await availableStaff(deps, attempt.clinicId, now)).some((a) => a.userId === reserved) &&
    !(await onACall(deps, [reserved])).has(reserved)
  )
    return reserved;
  for (const person of await freeReceptionists(deps, attempt.clinicId, now)) {
    const moved = await prisma
      .$transaction(async (tx) => {
        const won = await tx.callBack.updateMany({
          where: { id: attempt.callBackId, ringState: 'ringing', attemptId: attempt.id, doneAt: null },
          data: { reservedBy: person },
        });
        if (won.count === 0) return false;
        await tx.callBackAttempt.update({ where: { id: attempt.id }, data: { staffId: person } });
        return true;
      })
      .catch((err: { code?: string }) => {
        if (err.code === 'P2002') return null; // reserved for another call-back a moment ago: the next person
        throw err;
      });
    if (moved === false) return 'closed';
    if (moved === null) continue;
    if (reserved)
      deps.events.publish('callback.released', attempt.clinicId, { callBackId: entry.id, staffId: reserved }, now);
    deps.events.publish('callback.ringing', attempt.clinicId, { callBackId: entry.id, staffId: person }, now);
    return person;
  }
  return null;
}

/** The patient's call with the receptionist ended: a conversation is the call-back made; a browser that never took it, our failure. */
export async function ringBackBridged(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
): Promise<string> {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const voice = voiceFor(attempt?.callBack.clinic.locale);
  if (!attempt) return sayAndHangUp(voice, '');
  if (body.DialCallStatus === 'completed') {
    // Put through and talked: the call-back is made now, whatever order the call's own end comes in.
    await settleAttempt(deps, attempt.id, 'connected');
    return sayAndHangUp(voice, '');
  }
  const outcome = await settleAttempt(deps, attempt.id, 'not_put_through');
  return sayAndHangUp(voice, `Sorry, reception could not take the call. ${afterOurFailure(outcome)} Goodbye.`);
}

/**
 * The ring-back call's final status, the one request every try gets. Put through: the
 * bridge's own action settles it (either may come first). Otherwise settled as what
 * happened: no 1 pressed, busy, no answer, failed.
 */
export async function ringBackEnded(
  deps: RingBackDeps,
  query: Record<string, unknown>,
  body: Record<string, string | undefined>,
) {
  const attempt = await attemptFor(deps.db.prisma, query.attempt);
  const status = body.CallStatus ?? '';
  if (!attempt || !['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status)) return;
  const now = deps.clock();
  await deps.db.prisma.callBackAttempt.updateMany({ where: { id: attempt.id, endedAt: null }, data: { endedAt: now } });
  // Put through: the bridge's action decides (it may have already); if it never comes, the sweep settles the try.
  if (attempt.result === 'confirmed' || attempt.result === 'connected') return;
  await settleAttempt(deps, attempt.id, status === 'completed' ? 'unconfirmed' : status.replace('-', '_'));
}
