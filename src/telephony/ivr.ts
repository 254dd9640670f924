// The phone line's first question and its answer: what the caller wants (said in their
// own words or keyed) sends them to booking (booking-line.ts), changing, cancelling or
// checking (change-line.ts), reception, the opening hours, or the emergency advice.
import type { Heard, Params } from '../voice/call-step.js';
import type { StepQuery } from '../voice/steps.js';
import { voicemail } from '../reception/queue.js';
import { cancelPendingCallBacks } from '../reception/call-backs.js';
import { queueCancelledText } from '../reception/call-back-texts.js';
import { bookingStart } from './booking-line.js';
import { changeStart } from './change-line.js';
import { phoneTypes } from './clinic-words.js';
import { cancelsCallBack, type MenuRoute, menuRoute } from './menu.js';
import type { Ivr } from './phone.js';
import { askClosed, reception, receptionHours, speakOpeningHours } from './reception-hours.js';
import { anythingElse, askOpen, steer, tryAgain } from './steering.js';

export const DEFAULT_RECORDING_NOTICE = 'Calls are recorded to help us look after you.';

/** The first answer: emergency message, greeting, the recording notice and then the recording, the question. */
export function welcome(ivr: Ivr): string {
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
  return askOpen(ivr, { attempt: '1' });
}

export async function menu(ivr: Ivr, q: StepQuery<'menu'>, body: Params): Promise<string> {
  const heard = ivr.hear(body, 'open', q.silence);
  const attempt = Number(q.attempt ?? '1');
  // Silence at "anything else?" is a caller who has finished.
  if (heard.silent && q.again) return ivr.goodbye();
  if (cancelsCallBack(heard)) return cancelCallBack(ivr);
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

/**
 * 9 (told when the call-back was filed, and in its heads-up text), or "cancel my call
 * back": the call-backs still to be rung on the caller's number are cancelled. Caller ID
 * can be spoofed, so the words are the same whether or not there was one (nothing is
 * learnt about the number's calls), and the number itself is texted that it was cancelled.
 */
async function cancelCallBack(ivr: Ivr): Promise<string> {
  const { clinic, fromNumber } = ivr.call;
  const closed = await cancelPendingCallBacks(ivr.deps, { clinicId: clinic.id, ringNumber: fromNumber });
  if (closed > 0) await queueCancelledText(ivr.deps.db.prisma, { clinicId: clinic.id, ringNumber: fromNumber });
  ivr.say('Thank you. Any call-back waiting for this number is cancelled.');
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
