// What a caller who wants a person hears: the clinic's queue with their place in
// it, a receptionist in the browser, the desk phone, or voicemail — never silence.
// Queue state lives on the call row; each step is one of Twilio's requests.
import { addCallEvent } from '../calls/call-events.js';
import type { CallStep, Params } from '../voice/call-step.js';
import { abandonIfEnded, markAbandoned, type MissedBecause, noteMissed } from './call-backs.js';
import { availableStaff } from './presence.js';
import { staffIdentity } from './answering.js';
import { callBackOffer, HOLD_MUSIC_URL, offersCallBack, recentlyAnswered, startCallBack } from './queue-call-back.js';
import type { StepQuery } from '../voice/steps.js';
import { TRANSCRIBED_SECONDS } from '../recordings/transcripts.js';
import { expectedWaitSeconds, speakQueuePlace, worthSaying } from './wait-estimate.js';

// Twilio transcribes messages of at most 2 minutes (TRANSCRIBED_SECONDS): a longer one would get no transcript.
const VOICEMAIL_MAX_SECONDS = TRANSCRIBED_SECONDS.max;
const DESK_RING_SECONDS = 25;

export const queueName = (clinicId: string) => `clinic-${clinicId}`;

async function queueSettings(ivr: CallStep) {
  return ivr.deps.db.prisma.clinic.findUniqueOrThrow({
    where: { id: ivr.call.clinic.id },
    select: { maxQueueWaitSeconds: true, maxQueueSize: true, queueCallBackAfterSeconds: true },
  });
}

/**
 * Reception in opening hours: the queue when someone is available in the browser,
 * else the desk phone when the clinic has one, else voicemail.
 */
export async function toReception(ivr: CallStep): Promise<string> {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  const clinicId = ivr.call.clinic.id;
  const [staff, settings] = await Promise.all([availableStaff(ivr.deps, clinicId, now), queueSettings(ivr)]);
  if (staff.length > 0) {
    const waiting = await prisma.call.count({ where: { clinicId, queueStatus: 'waiting', id: { not: ivr.call.id } } });
    if (waiting >= settings.maxQueueSize)
      return voicemail(
        ivr,
        'Sorry, all our receptionists are busy and no more callers can wait just now.',
        'queue_full',
        true,
      );
    // A repeated request (Twilio retried) keeps the caller's original place.
    const queued = await prisma.call.updateMany({
      where: { id: ivr.call.id, queueStatus: null },
      data: { queueStatus: 'waiting', queuedAt: now },
    });
    if (queued.count === 1) await addCallEvent(prisma, ivr.call.id, 'queued', now, { position: waiting + 1 });
    ivr.deps.events.publish(
      'call.queued',
      clinicId,
      {
        callId: ivr.call.id,
        callSid: ivr.call.callSid,
        from: ivr.call.fromNumber,
        position: waiting + 1,
        waitSeconds: 0,
      },
      now,
    );
    ivr.say('Please hold for reception.');
    ivr.response.enqueue(
      { waitUrl: ivr.url('queue/wait'), waitUrlMethod: 'POST', action: ivr.url('queue/left'), method: 'POST' },
      queueName(clinicId),
    );
    return ivr.twiml();
  }
  if (ivr.call.clinic.receptionNumber) {
    await prisma.call.updateMany({
      where: { id: ivr.call.id, queueStatus: null },
      data: { queueStatus: 'desk', queuedAt: now },
    });
    return ringDesk(ivr, ivr.call.clinic.receptionNumber);
  }
  return voicemail(ivr, 'Sorry, nobody at reception can take your call just now.', 'nobody_free', true);
}

/**
 * "desk": ringing the desk phone (a hang-up now is an abandoned call like one in the
 * queue). The whisper asks whoever picks up to press 1, so the desk phone's own voicemail
 * cannot take the call.
 */
function ringDesk(ivr: CallStep, desk: string): string {
  ivr.say('Putting you through to reception now.');
  ivr.response
    .dial({ timeout: DESK_RING_SECONDS, action: ivr.url('reception/dialled'), method: 'POST', answerOnBridge: true })
    .number({ url: ivr.url('reception/whisper'), method: 'POST' }, desk);
  return ivr.twiml();
}

/**
 * What the desk phone hears when picked up, before the caller is put through: press 1
 * to take the call. A voicemail or answering machine presses nothing and is hung up on,
 * and the caller goes to the clinic's own voicemail instead.
 */
export function deskWhisper(ivr: CallStep): string {
  ivr.response
    .gather({ input: ['dtmf'], numDigits: 1, timeout: 8, action: ivr.url('reception/take'), method: 'POST' })
    .say(ivr.voice, `A patient is calling ${ivr.call.clinic.name}. Press 1 to take this call.`);
  ivr.response.hangup();
  return ivr.twiml();
}

/** The desk pressed a key at the whisper: 1 takes the caller (an empty answer puts them through), anything else does not. */
export async function deskTake(ivr: CallStep, _q: StepQuery<'reception/take'>, body: Params): Promise<string> {
  if (body.Digits !== '1') {
    ivr.response.hangup();
    return ivr.twiml();
  }
  const now = ivr.deps.clock();
  const taken = await ivr.deps.db.prisma.call.updateMany({
    where: { id: ivr.call.id, queueStatus: 'desk' },
    data: { queueStatus: 'answered', answeredAt: now, outcome: 'reception' },
  });
  if (taken.count === 1) await addCallEvent(ivr.deps.db.prisma, ivr.call.id, 'answered', now, { by: 'desk phone' });
  else {
    const call = await ivr.deps.db.prisma.call.findUniqueOrThrow({
      where: { id: ivr.call.id },
      select: { queueStatus: true },
    });
    if (call.queueStatus !== 'answered') {
      ivr.say('Sorry, the caller has already hung up.');
      ivr.response.hangup();
    }
  }
  return ivr.twiml();
}

/** The desk phone's <Dial> ended: done if the desk took the call at the whisper, else voicemail. */
export async function deskDialled(ivr: CallStep): Promise<string> {
  // Our own record decides, not DialCallStatus: a desk voicemail that "answered" never pressed 1.
  const call = await ivr.deps.db.prisma.call.findUniqueOrThrow({
    where: { id: ivr.call.id },
    select: { queueStatus: true },
  });
  if (call.queueStatus === 'answered') return ivr.goodbye();
  // One write, so the call's end (which may come at any moment) sees both or neither.
  await ivr.deps.db.prisma.call.updateMany({
    where: { id: ivr.call.id, queueStatus: 'desk' },
    data: { queueStatus: 'left', missedBecause: 'desk_unanswered' },
  });
  return voicemail(ivr, 'Sorry, nobody at reception could answer.', 'desk_unanswered');
}

/**
 * Twilio's wait URL, requested again each time the last answer has played: the
 * caller's place and an estimate, then hold music. After the clinic's maximum wait
 * the caller leaves the queue for voicemail — unless a receptionist has just claimed them.
 */
export async function queueWait(ivr: CallStep, _q: StepQuery<'queue/wait'>, body: Params): Promise<string> {
  const { prisma } = ivr.deps.db;
  const now = ivr.deps.clock();
  const position = Math.max(1, Number(body.QueuePosition) || 1);
  const waited = Math.max(0, Number(body.QueueTime) || 0);
  if (body.QueueSid)
    await prisma.call.updateMany({ where: { id: ivr.call.id, queueSid: null }, data: { queueSid: body.QueueSid } });
  const { maxQueueWaitSeconds, queueCallBackAfterSeconds } = await queueSettings(ivr);
  // Nobody left to answer (the last receptionist went away, past the grace for a reload): not
  // kept waiting for no one — voicemail now, as a caller who found nobody free would get.
  const nobody = (await availableStaff(ivr.deps, ivr.call.clinic.id, now)).length === 0;
  if (waited >= maxQueueWaitSeconds || nobody) {
    const left = await prisma.call.updateMany({
      where: { id: ivr.call.id, queueStatus: 'waiting' },
      data: { queueStatus: 'left', missedBecause: nobody ? 'nobody_free' : 'longest_wait' },
    });
    if (left.count === 1) {
      await addCallEvent(prisma, ivr.call.id, 'left_queue', now, { waitedSeconds: waited });
      ivr.response.leave();
      return ivr.twiml();
    }
  }
  const call = await prisma.call.findUniqueOrThrow({ where: { id: ivr.call.id }, select: { queueStatus: true } });
  if (call.queueStatus !== 'waiting') {
    // Claimed: Twilio is about to move the caller to the receptionist.
    ivr.say('Putting you through now.');
    ivr.response.play({}, HOLD_MUSIC_URL);
    return ivr.twiml();
  }
  ivr.deps.events.publish(
    'call.queued',
    ivr.call.clinic.id,
    { callId: ivr.call.id, callSid: ivr.call.callSid, from: ivr.call.fromNumber, position, waitSeconds: waited },
    now,
  );
  const state = ivr.state();
  const offers = offersCallBack(queueCallBackAfterSeconds, position, waited);
  const said: string[] = [];
  // The place is said when it changes or a minute on; the offer of a call-back as soon as it stands, then with the place.
  if (worthSaying(state.queueSaid, position, waited) || (offers && !state.callBackOffered)) {
    said.push(
      speakQueuePlace({
        position,
        expectedSeconds: expectedWaitSeconds(position, await recentlyAnswered(ivr)),
        secondsLeft: maxQueueWaitSeconds - waited,
      }),
    );
    await ivr.saveState({
      ...state,
      queueSaid: { position, atSeconds: waited },
      ...(offers ? { callBackOffered: true } : {}),
    });
  }
  if (!offers) {
    for (const words of said) ivr.say(words);
    ivr.response.play({}, HOLD_MUSIC_URL);
    return ivr.twiml();
  }
  return callBackOffer(ivr, said.join(' '));
}

const whyLeft = async (ivr: CallStep) =>
  (await ivr.deps.db.prisma.call.findUniqueOrThrow({ where: { id: ivr.call.id }, select: { missedBecause: true } }))
    .missedBecause;

/** The <Enqueue> action: the caller has left the queue, one way or another. */
export async function queueLeft(ivr: CallStep, _q: StepQuery<'queue/left'>, body: Params): Promise<string> {
  switch (body.QueueResult) {
    case 'bridged':
    case 'bridging-in-process':
    case 'redirected':
    case 'redirected-from-bridged':
      return ivr.goodbye();
    case 'hangup':
      await markAbandoned(ivr.deps, ivr.call.id);
      ivr.response.hangup();
      return ivr.twiml();
    case 'queue-full':
      return voicemail(
        ivr,
        'Sorry, all our receptionists are busy and no more callers can wait just now.',
        'queue_full',
      );
    case 'leave':
      // Left by pressing 1 for a call-back (not by the longest wait): confirm the number.
      if (ivr.state().wantsCallBack) return startCallBack(ivr);
      if ((await whyLeft(ivr)) === 'nobody_free') {
        // The last receptionist in the browser went: the desk phone, where the clinic has one, else voicemail.
        const desk = ivr.call.clinic.receptionNumber;
        if (desk) {
          const moved = await ivr.deps.db.prisma.call.updateMany({
            where: { id: ivr.call.id, queueStatus: 'left' },
            data: { queueStatus: 'desk', missedBecause: null },
          });
          if (moved.count === 1) return ringDesk(ivr, desk);
        }
        return voicemail(ivr, 'Sorry, nobody at reception can take your call just now.', 'nobody_free');
      }
      return voicemail(ivr, 'Sorry to keep you waiting. Our receptionists are all still busy.', 'longest_wait');
    default:
      return voicemail(ivr, 'Sorry, we could not put you through.', 'not_put_through');
  }
}

/**
 * The URL a claimed caller is moved to (the REST dequeue): ring the receptionist's
 * browser. The call is answered from here; the <Dial> action tells us how it ended.
 */
export async function connectToStaff(ivr: CallStep, q: StepQuery<'queue/connect'>): Promise<string> {
  const { prisma } = ivr.deps.db;
  const staffId = q.staff;
  const now = ivr.deps.clock();
  const claimed = staffId
    ? await prisma.call.updateMany({
        where: { id: ivr.call.id, claimedBy: staffId, queueStatus: 'claimed' },
        data: { queueStatus: 'answered', answeredBy: staffId, answeredAt: now, outcome: 'reception' },
      })
    : { count: 0 };
  if (claimed.count === 1) await addCallEvent(prisma, ivr.call.id, 'answered', now, { staff: staffId! });
  const call = await prisma.call.findUniqueOrThrow({
    where: { id: ivr.call.id },
    select: { queueStatus: true, answeredBy: true },
  });
  if (claimed.count === 0 && !(call.queueStatus === 'answered' && call.answeredBy === staffId))
    return voicemail(ivr, 'Sorry, we could not put you through.', 'not_put_through');
  ivr.response
    .dial({ action: ivr.url('queue/connected'), method: 'POST', answerOnBridge: true, timeout: 20 })
    .client({}, staffIdentity(staffId!));
  return ivr.twiml();
}

/** The receptionist's <Dial> ended: goodbye after a conversation, voicemail if the browser never answered. */
export async function connectedResult(ivr: CallStep, _q: StepQuery<'queue/connected'>, body: Params): Promise<string> {
  if (body.DialCallStatus === 'completed') return ivr.goodbye();
  // The caller may have hung up while the browser rang (and their end looked answered).
  if (await abandonIfEnded(ivr.deps, ivr.call.id)) return ivr.twiml();
  await ivr.deps.db.prisma.call.updateMany({
    where: { id: ivr.call.id, queueStatus: 'answered' },
    data: { queueStatus: 'left', answeredAt: null, answeredBy: null, outcome: null, missedBecause: 'not_put_through' },
  });
  return voicemail(ivr, 'Sorry, reception could not take your call after all.', 'not_put_through');
}

/**
 * Leave a message after the tone; the recording callback files it as a voicemail. Why
 * the caller is here is noted on the call, so its final status puts them on the
 * call-back list whether or not a message comes.
 */
export async function voicemail(
  ivr: CallStep,
  intro: string,
  because: MissedBecause,
  firstAskedNow = false,
): Promise<string> {
  await noteMissed(ivr.deps.db.prisma, ivr.call.id, because);
  // Straight to voicemail in reception hours still counts as asking for a person (the statistics' denominator).
  if (firstAskedNow)
    await ivr.deps.db.prisma.call.updateMany({
      where: { id: ivr.call.id, queuedAt: null },
      data: { queuedAt: ivr.deps.clock() },
    });
  const { transcribeVoicemails } = await ivr.deps.db.prisma.clinic.findUniqueOrThrow({
    where: { id: ivr.call.clinic.id },
    select: { transcribeVoicemails: true },
  });
  ivr.say(
    `${intro} Please leave your name, your number and a short message after the tone, then hang up. We will call you back.`,
  );
  const base = ivr.deps.config.publicBaseUrl;
  ivr.response.record({
    maxLength: VOICEMAIL_MAX_SECONDS,
    playBeep: true,
    timeout: 5,
    finishOnKey: '#',
    action: ivr.url('voicemail/done'),
    method: 'POST',
    // The recording's callback says whether a transcript is on its way (src/recordings/transcripts.ts).
    recordingStatusCallback: `${base}/twilio/recording?kind=voicemail${transcribeVoicemails ? '&transcript=1' : ''}`,
    recordingStatusCallbackMethod: 'POST',
    recordingStatusCallbackEvent: ['completed', 'absent'],
    // Twilio transcribes messages of 2 s to 2 min (the longest we take) and posts the text to this call's callback.
    ...(transcribeVoicemails
      ? { transcribe: true, transcribeCallback: `${base}/twilio/transcription?call=${ivr.call.id}` }
      : {}),
  });
  // <Record> with no sound at all carries on to here.
  ivr.say('We did not get a message. Goodbye.');
  ivr.response.hangup();
  return ivr.twiml();
}

export function voicemailDone(ivr: CallStep): string {
  ivr.say('Thank you. Your message has been recorded and we will call you back. Goodbye.');
  ivr.response.hangup();
  return ivr.twiml();
}
