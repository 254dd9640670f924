import twilio from 'twilio';
import type VoiceResponseType from 'twilio/lib/twiml/VoiceResponse.js';
import type { FallbackEntry } from './fallback-directory.js';

const { VoiceResponse } = twilio.twiml;

/** Say attributes for a clinic's locale (Twilio picks its voice by language). */
export const voiceFor = (locale: string | undefined): VoiceResponseType.SayAttributes => ({
  language: (locale ?? 'en-GB') as VoiceResponseType.SayAttributes['language'],
});

/** Ends a response by forwarding to the clinic's fallback number when known, else a polite goodbye. */
function putThroughOrHangUp(response: VoiceResponseType, entry: FallbackEntry | undefined, noForward: string): string {
  const voice = voiceFor(entry?.locale);
  if (entry?.fallbackNumber) {
    response.say(voice, 'Please hold while we put you through to the clinic.');
    response.dial({}, entry.fallbackNumber);
  } else {
    response.say(voice, noForward);
    response.hangup();
  }
  return response.toString();
}

/**
 * What a caller hears when anything goes wrong: never Twilio's "application
 * error". Forwards to the clinic's fallback number when one is known.
 */
export function apologyTwiml(entry?: FallbackEntry): string {
  const response = new VoiceResponse();
  response.say(
    voiceFor(entry?.locale),
    "We're sorry, we can't take your call right now because of a technical problem.",
  );
  return putThroughOrHangUp(
    response,
    entry,
    'Please try again in a few minutes. If this is an emergency, hang up and call the emergency services.',
  );
}

/** What Twilio wants back from a status callback: nothing to do. */
export const emptyTwiml = (): string => new VoiceResponse().toString();

export function unknownNumberTwiml(): string {
  const response = new VoiceResponse();
  response.say(
    voiceFor(undefined),
    'Sorry, this number is not connected to a clinic. Please check the number and try again. Goodbye.',
  );
  response.hangup();
  return response.toString();
}
