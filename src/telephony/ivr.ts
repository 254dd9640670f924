// The phone menu, the first thing a caller hears after the clinic's messages. Every
// handler answers spoken TwiML; the steps it leads to are in booking-line.ts,
// change-line.ts and reception-hours.ts.
import type { Params } from '../voice/call-step.js';
import { bookingStart } from './booking-line.js';
import { changeStart } from './change-line.js';
import { MAX_MENU_ATTEMPTS, menuChoice } from './menu.js';
import type { Ivr } from './phone.js';
import { reception } from './reception-hours.js';
import { voicemail } from '../reception/queue.js';
import type { StepQuery } from '../voice/steps.js';

const MENU_PROMPT =
  'To book an appointment, press 1 or say book. To change or cancel an appointment, press 2 or say change. To speak to reception, press 3 or say reception.';

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
      recordingStatusCallback: `${ivr.deps.config.publicBaseUrl}/twilio/recording`,
      recordingStatusCallbackEvent: ['completed', 'absent'],
      recordingStatusCallbackMethod: 'POST',
      channels: 'dual',
    });
  }
  return askMenu(ivr, 1);
}

function askMenu(ivr: Ivr, attempt: number): string {
  return ivr.ask(ivr.url('menu', { attempt: String(attempt) }), MENU_PROMPT, ivr.url('menu', { silence: '1' }), {
    speech: true,
    hints: 'book, change, cancel, reception',
  });
}

export async function menu(ivr: Ivr, q: StepQuery<'menu'>, body: Params): Promise<string> {
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

/** Out of hours: a message for the clinic, or booking, which never closes. */
export async function closedChoice(ivr: Ivr, _q: StepQuery<'closed'>, body: Params): Promise<string> {
  if (body.Digits === '1') return voicemail(ivr, 'Thank you.');
  if (body.Digits === '2') return bookingStart(ivr);
  return goodbye(ivr);
}

export const goodbye = (ivr: Ivr): string => ivr.goodbye();
