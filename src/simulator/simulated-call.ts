// One phone call placed by the simulator, playing Twilio's part: it requests the
// service's webhooks exactly as Twilio would (the `post` it is given signs them),
// reads the TwiML that comes back and does what Twilio does with each verb, keeping
// what the caller would hear as text. It waits where Twilio would wait for the
// caller: a <Gather>, a <Record>, a queue, a connected <Dial>.
import { readTwiml, type Verb } from './twiml-reader.js';

/** Sends Twilio's form to one of this service's URLs (a path, or absolute under its public URL); resolves with the TwiML. */
export type PostToService = (url: string, params: Record<string, string>) => Promise<string>;

export type CallState = 'ringing' | 'listening' | 'gathering' | 'recording' | 'queued' | 'connected' | 'ended';

export interface TranscriptLine {
  /** Milliseconds since the call started. */
  at: number;
  /** What the line said, what the caller did, or what happened on the call. */
  who: 'line' | 'caller' | 'call';
  text: string;
}

export interface CallOptions {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  /** The number's status callback (the console's "Call status changes"). */
  statusPath?: string;
  clock?: () => number;
}

type Waiting = Extract<Verb, { verb: 'Gather' | 'Record' | 'Enqueue' | 'Dial' }>;

export class SimulatedCall {
  readonly transcript: TranscriptLine[] = [];
  state: CallState = 'ringing';
  private waiting: Waiting | null = null;
  private rest: Verb[] = [];
  private readonly clock: () => number;
  private readonly startedAt: number;

  constructor(
    private readonly options: CallOptions,
    private readonly post: PostToService,
  ) {
    this.clock = options.clock ?? Date.now;
    this.startedAt = this.clock();
  }

  get sid(): string {
    return this.options.sid;
  }

  /** The verb the call is waiting on, if any (its action URL, what it accepts). */
  get waitingOn(): Waiting | null {
    return this.waiting;
  }

  /** What the caller heard since `index` in the transcript, as one string. */
  heardSince(index = 0): string {
    return this.transcript.slice(index).filter((l) => l.who === 'line').map((l) => l.text).join(' ');
  }

  /** Twilio answers the call: the service's voice URL. */
  async dial(): Promise<void> {
    this.note('call', `Calling ${this.options.to}`);
    await this.request('/twilio/voice', { CallStatus: 'ringing' });
  }

  /** Keys pressed into the current <Gather>. */
  async press(digits: string): Promise<void> {
    const gather = this.expect('Gather');
    this.note('caller', `pressed ${digits}`);
    await this.request(gather.action, { Digits: digits });
  }

  /** Words spoken into a <Gather> that listens for speech. */
  async say(words: string): Promise<void> {
    const gather = this.expect('Gather');
    if (!gather.input.includes('speech')) throw new SimulatorError('This question takes keys only.');
    this.note('caller', `said "${words}"`);
    await this.request(gather.action, { SpeechResult: words, Confidence: '0.92' });
  }

  /** The caller says nothing: Twilio's <Gather> times out and the next verb runs. */
  async silence(): Promise<void> {
    this.expect('Gather');
    this.note('caller', '(silence)');
    await this.continueAfterWaiting();
  }

  /** The caller finishes a message into a <Record>: Twilio requests its action with the recording's details. */
  async finishRecording(recording: { sid: string; url: string; seconds: number }): Promise<void> {
    const record = this.expect('Record');
    this.note('caller', `left a ${recording.seconds}-second message`);
    await this.request(record.action, { RecordingSid: recording.sid, RecordingUrl: recording.url, RecordingDuration: String(recording.seconds), Digits: 'hangup' });
  }

  /** The caller hangs up: a connected <Dial> or a queue reports how it ended, then the status callback. */
  async hangUp(): Promise<void> {
    if (this.state === 'ended') return;
    const waiting = this.waiting;
    this.waiting = null;
    this.note('caller', 'hung up');
    if (waiting?.verb === 'Enqueue' && waiting.action) await this.post(waiting.action, this.params({ QueueResult: 'hangup', QueueTime: String(this.seconds()) })).catch(() => undefined);
    if (waiting?.verb === 'Dial' && waiting.action) await this.post(waiting.action, this.params({ DialCallStatus: 'completed', DialCallDuration: String(this.seconds()) })).catch(() => undefined);
    await this.end();
  }

  private expect<V extends Waiting['verb']>(verb: V): Extract<Waiting, { verb: V }> {
    if (this.state === 'ended') throw new SimulatorError('The call has ended.');
    if (this.waiting?.verb !== verb) throw new SimulatorError(`The call is not waiting for that (it is ${this.state}).`);
    return this.waiting as Extract<Waiting, { verb: V }>;
  }

  private seconds(): number {
    return Math.max(1, Math.round((this.clock() - this.startedAt) / 1000));
  }

  private note(who: TranscriptLine['who'], text: string): void {
    this.transcript.push({ at: this.clock() - this.startedAt, who, text });
  }

  private params(extra: Record<string, string>): Record<string, string> {
    const { accountSid, sid, from, to } = this.options;
    return { AccountSid: accountSid, ApiVersion: '2010-04-01', CallSid: sid, From: from, Caller: from, To: to, Called: to, Direction: 'inbound', CallStatus: 'in-progress', ...extra };
  }

  private async request(url: string, extra: Record<string, string>): Promise<void> {
    this.waiting = null;
    this.state = 'listening';
    const twiml = await this.post(url, this.params(extra));
    await this.run(readTwiml(twiml));
  }

  private async continueAfterWaiting(): Promise<void> {
    const rest = this.rest;
    this.waiting = null;
    this.state = 'listening';
    await this.run(rest);
  }

  /** Plays verbs in order until one waits for the caller, a verb moves the call elsewhere, or the document ends (Twilio then hangs up). */
  private async run(verbs: Verb[]): Promise<void> {
    for (let i = 0; i < verbs.length; i++) {
      const v = verbs[i]!;
      switch (v.verb) {
        case 'Say':
          this.note('line', v.text);
          break;
        case 'Play':
          this.note('call', '(music)');
          break;
        case 'Pause':
        case 'Leave':
          break;
        case 'StartRecording':
          this.note('call', '(the call is being recorded)');
          break;
        case 'Gather':
          for (const said of v.said) this.note('line', said);
          return this.wait(v, 'gathering', verbs.slice(i + 1));
        case 'Record':
          this.note('call', '(beep: recording a message)');
          return this.wait(v, 'recording', verbs.slice(i + 1));
        case 'Enqueue':
          this.note('call', `(waiting in the ${v.queue} queue)`);
          return this.wait(v, 'queued', verbs.slice(i + 1));
        case 'Dial':
          if (v.client) {
            this.note('call', '(put through to a receptionist in the browser)');
            return this.wait(v, 'connected', verbs.slice(i + 1));
          }
          // A phone number: the simulator has no phone to ring, so it is not answered.
          this.note('call', `(ringing ${v.number ?? 'a number'}: no answer)`);
          if (v.action) return this.request(v.action, { DialCallStatus: 'no-answer', DialCallDuration: '0' });
          break;
        case 'Redirect':
          return this.request(v.url, {});
        case 'Hangup':
          return this.end();
        case 'other':
          this.note('call', `(the simulator skips <${v.name}>)`);
          break;
      }
    }
    return this.end();
  }

  private wait(verb: Waiting, state: CallState, rest: Verb[]): void {
    this.waiting = verb;
    this.state = state;
    this.rest = rest;
  }

  private async end(): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.waiting = null;
    this.note('call', 'Call ended');
    await this.post(this.options.statusPath ?? '/twilio/status', this.params({ CallStatus: 'completed', CallDuration: String(this.seconds()) }));
  }
}

/** Something the caller cannot do now (press keys when nobody is asking). */
export class SimulatorError extends Error {}
