// The TwiML App's voice URL: a member of staff rings a patient back from the dashboard.
// Only identities this service issued (staff_<user id>) get through, only to call from a
// clinic they belong to, and only to a number the clinic knows (a patient's, a caller's,
// a call-back's): the clinic's line is not a phone for any number in the world. Rung for
// an entry of the call-back list, the call is a try on it, ended by the <Dial>'s action
// with what came of it.
import twilio from 'twilio';
import type { Services } from '../core/services.js';
import { e164Schema } from '../core/validation.js';
import { onNumbers } from '../diary/patients.js';
import { voiceFor } from '../voice/twiml.js';
import { staffIdFromIdentity } from './answering.js';

const { VoiceResponse } = twilio.twiml;
type Deps = Pick<Services, 'config' | 'db' | 'clock' | 'events'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How far back a caller's number counts as one the clinic may ring. */
const CALLERS_WITHIN_DAYS = 90;

/** What the <Dial> came to (Twilio's DialCallStatus) as a try on a call-back. */
export const BROWSER_TRY_RESULTS: Record<string, string> = {
  completed: 'answered',
  answered: 'answered',
  'no-answer': 'no_answer',
  busy: 'busy',
  failed: 'failed',
  canceled: 'cancelled',
};

function refuse(): string {
  const response = new VoiceResponse();
  response.say(voiceFor(undefined), 'This call cannot be placed. Goodbye.');
  response.hangup();
  return response.toString();
}

/** Whether the clinic knows `number`: a patient's, a recent caller's, or an open call-back's. */
async function knownNumber(deps: Deps, clinicId: string, number: string, now: Date): Promise<boolean> {
  const { prisma } = deps.db;
  const since = new Date(now.getTime() - CALLERS_WITHIN_DAYS * 86_400_000);
  const [patient, caller, callBack] = await Promise.all([
    prisma.patient.findFirst({ where: { clinicId, ...onNumbers([number]) }, select: { id: true } }),
    prisma.call.findFirst({
      where: { clinicId, direction: 'inbound', fromNumber: number, startedAt: { gte: since } },
      select: { id: true },
    }),
    prisma.callBack.findFirst({
      where: { clinicId, doneAt: null, OR: [{ fromNumber: number }, { ringNumber: number }] },
      select: { id: true },
    }),
  ]);
  return Boolean(patient || caller || callBack);
}

export async function browserCall(deps: Deps, body: Record<string, string | undefined>): Promise<string> {
  const { prisma } = deps.db;
  const userId = staffIdFromIdentity(body.From);
  const appSid = deps.config.twilio.twimlAppSid;
  if (!userId || (appSid && body.ApplicationSid !== appSid) || !body.CallSid) return refuse();
  const callSid = body.CallSid;
  const to = body.To ?? '';
  const clinicId = body.clinicId ?? '';
  const callBackId = body.callBackId || null;
  if (!e164Schema.safeParse(to).success || !UUID.test(clinicId) || (callBackId && !UUID.test(callBackId)))
    return refuse();
  const membership = await prisma.membership.findUnique({
    where: { userId_clinicId: { userId, clinicId } },
    select: {
      clinic: { select: { numbers: { select: { e164: true }, orderBy: { createdAt: 'asc' }, take: 1 } } },
    },
  });
  const callerId = membership?.clinic.numbers[0]?.e164;
  const now = deps.clock();
  if (!membership || !callerId || !(await knownNumber(deps, clinicId, to, now))) return refuse();
  const callBack = callBackId
    ? await prisma.callBack.findFirst({ where: { id: callBackId, clinicId, doneAt: null }, select: { id: true } })
    : null;
  if (callBackId && !callBack) return refuse();

  // On the call log like any other call, as the clinic calling out; for a call-back, a try on it
  // (taken by whoever rings, if nobody had it). Twilio retries: the second request changes nothing.
  const fresh = await prisma.$transaction(async (tx) => {
    const made = await tx.call.createMany({
      data: [
        {
          callSid,
          clinicId,
          fromNumber: callerId,
          toNumber: to,
          direction: 'outbound',
          status: 'in-progress',
          startedAt: now,
          answeredBy: userId,
          outcome: 'call_back',
        },
      ],
      skipDuplicates: true,
    });
    if (made.count === 0 || !callBack) return false;
    await tx.callBackAttempt.create({
      data: {
        callBackId: callBack.id,
        clinicId,
        staffId: userId,
        callSid,
        startedAt: now,
        // Settled at once: a try from the browser is not the dialler's, which never waits on it.
        settledAt: now,
        via: 'browser',
      },
    });
    await tx.callBack.updateMany({
      where: { id: callBack.id, assignedTo: null },
      data: { assignedTo: userId, assignedAt: now },
    });
    return true;
  });
  if (fresh) deps.events.publish('callback.worked', clinicId, { callBackId: callBack!.id }, now);

  const response = new VoiceResponse();
  response
    .dial({
      callerId,
      answerOnBridge: true,
      action: `${deps.config.publicBaseUrl}/twilio/client/ended`,
    })
    .number(to);
  return response.toString();
}

/**
 * The <Dial>'s action: the patient's side ended (or never answered, or the member of
 * staff hung up first). The call is over in the log, and its try on a call-back says
 * what came of it. Either write happens once however often Twilio asks.
 */
export async function browserCallEnded(deps: Deps, body: Record<string, string | undefined>): Promise<string> {
  const callSid = body.CallSid ?? '';
  const status = body.DialCallStatus ?? '';
  await endBrowserTry(deps, callSid, BROWSER_TRY_RESULTS[status] ?? 'failed', {
    seconds: Number(body.DialCallDuration ?? 0) || 0,
  });
  const response = new VoiceResponse();
  response.hangup();
  return response.toString();
}

/**
 * Ends a call placed from the browser and its try, once: from the <Dial>'s action, or from
 * the call's own status callback when the action was never heard (`result` then says so).
 */
export async function endBrowserTry(
  deps: Deps,
  callSid: string,
  result: string,
  call?: { seconds: number },
): Promise<void> {
  const now = deps.clock();
  const { prisma } = deps.db;
  const row = await prisma.call.findUnique({
    where: { callSid },
    select: { id: true, clinicId: true, direction: true, answeredBy: true },
  });
  if (!row || row.direction !== 'outbound' || !row.answeredBy) return;
  const { callEnded, callBackId } = await prisma.$transaction(async (tx) => {
    const closed = !call
      ? { count: 0 }
      : await tx.call.updateMany({
          where: { id: row.id, endedAt: null },
          data: {
            status: 'completed',
            endedAt: now,
            durationSeconds: call.seconds,
            ...(result === 'answered' ? { answeredAt: new Date(now.getTime() - call.seconds * 1000) } : {}),
          },
        });
    const attempt = await tx.callBackAttempt.findUnique({ where: { callSid }, select: { id: true, callBackId: true } });
    const done = attempt
      ? await tx.callBackAttempt.updateMany({
          where: { id: attempt.id, endedAt: null, via: 'browser' },
          data: { endedAt: now, result },
        })
      : { count: 0 };
    return { callEnded: closed.count > 0, callBackId: done.count > 0 ? attempt!.callBackId : null };
  });
  if (callEnded)
    deps.events.publish(
      'call.ended',
      row.clinicId,
      { callId: row.id, callSid, status: 'completed', durationSeconds: call!.seconds, outcome: 'call_back' },
      now,
    );
  if (callBackId) deps.events.publish('callback.worked', row.clinicId, { callBackId }, now);
}
