// One of Twilio's requests on a call, being answered: the call and its clinic, the
// parts of the service the answer may use, and helpers to speak, ask and build the
// action URLs Twilio will sign. Every step of the phone line (the menu, booking,
// reception) takes one and returns its TwiML.
import twilio from 'twilio';
import type VoiceResponseType from 'twilio/lib/twiml/VoiceResponse.js';
import type { Services } from '../core/services.js';
import { type StepParams, type StepPath, stepUrl } from './steps.js';
import { voiceFor } from './twiml.js';

const { VoiceResponse } = twilio.twiml;
/** The fields of Twilio's request (Digits, SpeechResult, QueuePosition …). */
export type Params = Record<string, string | undefined>;

/** What the phone line needs to know about the clinic a call is for. */
export type ClinicForCall = {
  id: string;
  name: string;
  timeZone: string;
  locale: string;
  emergencyMessage: string | null;
  greeting: string | null;
  receptionNumber: string | null;
  fallbackNumber: string | null;
  recordCalls: boolean;
  recordingNotice: string | null;
};

export interface CallInfo {
  id: string;
  callSid: string;
  fromNumber: string;
  ivrState: unknown;
  clinic: ClinicForCall;
}

export type StepDeps = Pick<Services, 'config' | 'db' | 'events' | 'clock'>;

export class CallStep<D extends StepDeps = StepDeps> {
  readonly response = new VoiceResponse();
  readonly voice: VoiceResponseType.SayAttributes;

  constructor(
    readonly deps: D,
    readonly call: CallInfo,
  ) {
    this.voice = voiceFor(call.clinic.locale);
  }

  /** Where Twilio goes next on this call, carrying what that step reads (src/voice/steps.ts). */
  url<P extends StepPath>(path: P, ...params: StepParams<P>): string {
    return stepUrl(this.deps.config.publicBaseUrl, path, this.call.id, ...params);
  }

  say(text: string): this {
    this.response.say(this.voice, text);
    return this;
  }

  /** A keypad (and optionally speech) question; silence runs the verbs after it, so `onSilence` carries the call. */
  ask(
    action: string,
    prompt: string,
    onSilence: string,
    options: { speech?: boolean; digits?: number; hints?: string } = {},
  ): string {
    const gather = this.response.gather({
      input: options.speech ? ['dtmf', 'speech'] : ['dtmf'],
      numDigits: options.digits ?? 1,
      timeout: 6,
      action,
      method: 'POST',
      ...(options.speech
        ? {
            speechTimeout: 'auto',
            language: this.voice.language as VoiceResponseType.GatherAttributes['language'],
            hints: options.hints,
          }
        : {}),
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
    return { timeZone: this.call.clinic.timeZone, locale: this.call.clinic.locale, now: this.deps.clock() };
  }

  async setOutcome(outcome: string): Promise<void> {
    await this.deps.db.prisma.call.updateMany({ where: { id: this.call.id }, data: { outcome } });
  }

  async saveState(state: Record<string, string | null>): Promise<void> {
    await this.deps.db.prisma.call.update({ where: { id: this.call.id }, data: { ivrState: state } });
    this.call.ivrState = state;
  }

  state(): Record<string, string | null> {
    return (this.call.ivrState as Record<string, string | null> | null) ?? {};
  }
}
