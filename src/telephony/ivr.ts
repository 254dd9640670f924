// The phone line's first question and its answer: what the caller wants (said in their
// own words or keyed) sends them to booking (booking-line.ts), changing, cancelling or
// checking (change-line.ts), reception, the opening hours, or the emergency advice.
import type { Heard, Params } from '../voice/call-step.js';
import type { StepQuery } from '../voice/steps.js';
import { voicemail } from '../reception/queue.js';
import { closePendingCallBacks } from '../reception/call-backs.js';
import { bookingStart } from './booking-line.js';
import { changeStart } from './change-line.js';
import { phoneTypes } from './clinic-words.js';
import { cancelsCallBack, type MenuRoute, menuRoute } from './menu.js';
import type { Ivr } from './phone.js';
import { askClosed, reception, receptionHours, speakOpeningHours } from './reception-hours.js';
import { anythingElse, askOpen, steer, tryAgain } from './steering.js';

export const DEFAULT_RECORDING_NOTICE = 'Calls are recorded to help us look after you.';

/**
 * The first answer: emergency message, greeting, the recording notice and then the
 * recording, the question. A caller whose number has a call-back from the queue still to
 * come is told it stands, and that 9 cancels it.
 */
export function welcome(ivr: Ivr, options: { pendingCallBack?: boolean } = {}): string {
  const { clinic } = ivr.call;
  if (clinic.emergencyMessage) ivr.say(clinic.emergencyMessage);
  ivr.say(clinic.greeting ?? `Thank you for calling ${clinic.name}.`);
  if (clinic.recordCalls) {
    ivr.say(clinic.recordingNotice ?? DEFAULT_RECORDING_NOTICE);
    // Starts only after the notice; the callback tells us the recording's identifiers.
    ivr.response.start().recording({
      recordingStatusCallback: `${ivr.deps.config.publicBaseUrl}/twilio/recording`,
      recordingStatusCallbackEvent: ['completed', 'absent'],
      recordingStatusCallbackMethod: 'POST',
      channels: 'dual',
    });
  }
  if (options.pendingCallBack) {
    ivr.say(PENDING_CALL_BACK);
    return askOpen(ivr, { attempt: '1', pending: '1' });
  }
  return askOpen(ivr, { attempt: '1' });
}

export const PENDING_CALL_BACK =
  'We have your request to be called back, and you keep your place in the queue. If you no longer need us to call, press 9 to cancel it.';

export async function menu(ivr: Ivr, q: StepQuery<'menu'>, body: Params): Promise<string> {
  const heard = ivr.hear(body, 'open', q.silence);
  const attempt = Number(q.attempt ?? '1');
  // Silence at "anything else?" is a caller who has finished.
  if (heard.silent && q.again) return ivr.goodbye();
  if (q.pending && cancelsCallBack(heard)) return cancelCallBack(ivr);
  const route = menuRoute(heard, Boolean(q.again));
  const steered = await steer(ivr, heard, () => askOpen(ivr, q));
  if (steered) return steered;
  return follow(ivr, route, heard, () =>
    tryAgain(ivr, attempt, (next) => askOpen(ivr, { ...q, attempt: next, silence: undefined }), heard.silent),
  );
}

async function follow(ivr: Ivr, route: MenuRoute, heard: Heard, retry: () => Promise<string>): Promise<string> {
  const wish = heard.understood?.wish ?? {};
  switch (route) {
    case 'book':
      return bookingStart(ivr, wish);
    case 'move':
    case 'cancel':
    case 'change':
    case 'check':
      return changeStart(ivr, route, wish);
    case 'reception':
      return reception(ivr);
    case 'hours':
      return openingHours(ivr);
    case 'goodbye':
      return ivr.goodbye();
    case 'help':
      return askOpen(ivr, { attempt: '1', again: '1' });
    case 'unclear':
      return retry();
  }
}

/** The caller cancelled the call-back they asked for from the queue; then anything else? */
async function cancelCallBack(ivr: Ivr): Promise<string> {
  const closed = await closePendingCallBacks(ivr.deps, {
    clinicId: ivr.call.clinic.id,
    number: ivr.call.fromNumber,
    because: 'cancelled_by_patient',
  });
  // Nothing closed: cancelled already (Twilio repeated the request), or the ring is under way.
  const ringing =
    closed === 0 &&
    (await ivr.deps.db.prisma.callBack.count({
      where: {
        clinicId: ivr.call.clinic.id,
        ringState: 'ringing',
        doneAt: null,
        OR: [{ ringNumber: ivr.call.fromNumber }, { fromNumber: ivr.call.fromNumber }],
      },
    })) > 0;
  ivr.say(ringing ? 'We are ringing you back right now, so the call-back stands.' : 'Your call-back is cancelled.');
  return anythingElse(ivr);
}

async function openingHours(ivr: Ivr): Promise<string> {
  const hours = await receptionHours(ivr);
  ivr.say(speakOpeningHours(hours, ivr.speakOptions()));
  return anythingElse(ivr);
}

/** Out of hours: a message for the clinic, or booking when the clinic books by phone. */
export async function closedChoice(ivr: Ivr, q: StepQuery<'closed'>, body: Params): Promise<string> {
  const heard = ivr.hear(body, 'open', q.silence);
  const intent = heard.understood?.intent;
  // Reception is closed: asking for a person, or a message, is the message.
  if (heard.digits === '1' || intent === 'reception' || intent === 'message')
    return voicemail(ivr, 'Thank you.', 'out_of_hours_message');
  const steered = await steer(ivr, heard, () => askClosed(ivr, q.attempt ?? '1'));
  if (steered) return steered;
  const wantsBooking = heard.digits === '2' || intent === 'book';
  if (wantsBooking && phoneTypes(ivr).length > 0) return bookingStart(ivr, heard.understood?.wish ?? {});
  const attempt = Number(q.attempt ?? '1');
  if (wantsBooking) {
    ivr.say("Sorry, appointments can't be booked by phone at this clinic.");
    return attempt >= 2 ? ivr.goodbye() : askClosed(ivr, String(attempt + 1));
  }
  if (intent === 'move' || intent === 'cancel' || intent === 'change' || intent === 'check')
    return changeStart(ivr, intent, heard.understood?.wish ?? {});
  if (intent === 'no' || attempt >= 2) return ivr.goodbye();
  if (heard.silent) {
    ivr.say("Sorry, I didn't hear anything.");
    return askClosed(ivr, String(attempt + 1));
  }
  ivr.say("Sorry, I didn't catch that.");
  return askClosed(ivr, String(attempt + 1));
}

export const goodbye = (ivr: Ivr): string => ivr.goodbye();
