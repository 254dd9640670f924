// One of Twilio's requests on a call, being answered: the call and its clinic, the
// parts of the service the answer may use, and helpers to speak, ask and build the
// action URLs Twilio will sign. Every step of the phone line (the menu, booking,
// reception) takes one and returns its TwiML.
import type VoiceResponseType from 'twilio/lib/twiml/VoiceResponse.js';
import type { Services } from '../core/services.js';
import { type CallState, callStateSchema } from '../calls/call-state.js';
import { type StepParams, type StepPath, stepUrl } from './steps.js';
import type { PractitionerWords, TypeWords } from '../understanding/vocabulary.js';
import { type Asked, ClinicLanguage, type Understanding, understand } from '../understanding/understand.js';
import { DEFAULT_URGENT_PHRASES } from '../understanding/urgent.js';
import { voiceFor } from './twiml.js';
import { TwimlWriter } from './twiml-writer.js';

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
  /** What a caller who says an urgent phrase hears (null: the country's default). */
  emergencyAdvice?: string | null;
};

/** The clinic's own words, for understanding callers and for Twilio's speech hints. */
export interface ClinicWords {
  practitioners: PractitionerWords[];
  /** The types callers may book by phone, with who offers each. */
  types: Array<TypeWords & { practitionerIds?: string[] }>;
  /** One phrase a line; null: the defaults. */
  urgentPhrases: string | null;
}

export interface CallInfo {
  id: string;
  callSid: string;
  fromNumber: string;
  ivrState: unknown;
  clinic: ClinicForCall;
  words: ClinicWords;
  /** When Twilio said the call ended; a step asked after that is a replay, and changes nothing. */
  endedAt?: Date | null;
}

/** What the caller answered: keys, or words understood, or nothing at all. */
export interface Heard {
  digits?: string;
  said?: string;
  understood?: Understanding;
  /** No key and no words: Twilio ran the redirect after the question. */
  silent: boolean;
}

const MAX_HINTS = 500;
const HINT_WORDS = ['book', 'appointment', 'cancel', 'move', 'change', 'reception', 'message', 'yes', 'no'];

// Words an instance keeps for every call to a clinic until they change (src/telephony/clinic-words.ts):
// by their practitioners, the types kept with them and, once made, their speech hints.
const keptWords = new WeakMap<object, { types: object; hints?: string }>();

/**
 * Marks a clinic's practitioners and types as kept for every call until they change:
 * frozen through, so that no call can change them and their speech hints are made once.
 */
export function keepForEveryCall<W extends Pick<ClinicWords, 'practitioners' | 'types'>>(words: W): W {
  for (const p of words.practitioners) Object.freeze(p);
  for (const t of words.types) {
    Object.freeze(t.synonyms);
    Object.freeze(t.practitionerIds);
    Object.freeze(t);
  }
  keptWords.set(Object.freeze(words.practitioners), { types: Object.freeze(words.types) });
  return Object.freeze(words);
}

/** Twilio's speech hints: the clinic's names first (at most 500 entries of at most 100 characters). */
export function speechHints(words: ClinicWords): string {
  const kept = keptWords.get(words.practitioners);
  if (kept?.types !== words.types) return hintsOf(words);
  return (kept.hints ??= hintsOf(words));
}

function hintsOf(words: Pick<ClinicWords, 'practitioners' | 'types'>): string {
  const names = new Set<string>();
  for (const p of words.practitioners) {
    names.add(p.spokenName);
    names.add(p.name);
    for (const part of p.name.split(/\s+/).filter((w) => w.length > 2 && !/^(dr\.?|doctor|nurse)$/i.test(w)))
      names.add(part);
  }
  for (const t of words.types) {
    names.add(t.name);
    for (const s of t.synonyms ?? []) names.add(s);
  }
  for (const w of HINT_WORDS) names.add(w);
  return [...names]
    .map((n) => n.replace(/,/g, ' ').trim().slice(0, 100))
    .filter(Boolean)
    .slice(0, MAX_HINTS)
    .join(', ');
}

/** Spoken text without what a voice cannot say (emoji, symbols a greeting may carry). */
export const sayable = (text: string): string =>
  text
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

export type StepDeps = Pick<Services, 'config' | 'db' | 'events' | 'clock'> & {
  /** The phone simulator, when it plays Twilio here (reception then answers in its browser phone). */
  simulator?: { playsTwilio: boolean };
};

export class CallStep<D extends StepDeps = StepDeps> {
  readonly response = new TwimlWriter();
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
    const words = sayable(text);
    if (words) this.response.say(this.voice, words);
    return this;
  }

  private _language?: ClinicLanguage;
  /** The clinic's words compiled for understanding this call's answers. */
  get language(): ClinicLanguage {
    const { clinic, words } = this.call;
    this._language ??= new ClinicLanguage({
      locale: clinic.locale,
      timeZone: clinic.timeZone,
      practitioners: words.practitioners,
      types: words.types,
      urgentPhrases: words.urgentPhrases?.split('\n').filter((l) => l.trim()) ?? DEFAULT_URGENT_PHRASES,
    });
    return this._language;
  }

  /** What the caller answered to a question of kind `asked`: keys as keyed, words understood. */
  hear(body: Params, asked: Asked, silence?: string): Heard {
    const digits = body.Digits?.trim();
    if (digits) return { digits, silent: false };
    const said = body.SpeechResult?.trim();
    if (!said || silence) return { silent: true };
    return { said, understood: understand(said, asked, this.language, this.deps.clock()), silent: false };
  }

  /**
   * A question answered by keys or by voice; silence runs the verbs after it, so
   * `onSilence` carries the call. Speech is heard with the clinic's names as hints.
   */
  ask(action: string, prompt: string, onSilence: string, options: { digits?: number } = {}): string {
    const gather = this.response.gather({
      input: ['dtmf', 'speech'],
      numDigits: options.digits ?? 1,
      timeout: 6,
      action,
      method: 'POST',
      // A named model needs a whole-number speechTimeout (Twilio warning 13335).
      speechModel: 'phone_call',
      speechTimeout: '2',
      language: this.voice.language as VoiceResponseType.GatherAttributes['language'],
      hints: speechHints(this.call.words),
    });
    gather.say(this.voice, sayable(prompt));
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

  async saveState(state: CallState): Promise<void> {
    await this.deps.db.prisma.call.update({ where: { id: this.call.id }, data: { ivrState: state } });
    this.call.ivrState = state;
  }

  /** What this call's steps have kept so far (src/calls/call-state.ts); anything unreadable reads as nothing. */
  state(): CallState {
    const read = callStateSchema.safeParse(this.call.ivrState ?? {});
    return read.success ? read.data : {};
  }
}
