// One phone call placed by the simulator, playing Twilio's part: it requests the
// service's webhooks exactly as Twilio would (the `post` it is given signs them),
// reads the TwiML that comes back and does what Twilio does with each verb, keeping
// what the caller would hear as text. It waits where Twilio would wait for the
// caller: a <Gather>, a <Record>, a queue, a connected <Dial>. A call the service
// placed (ringing a patient back) first waits for the patient's phone to be answered.
import { createHash } from 'node:crypto';
import { readTwiml, type Verb } from './twiml-reader.js';
import { article } from '../voice/speech.js';

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
  /** The number's status callback (the console's "Call status changes"); null when none was asked for. */
  statusPath?: string | null;
  /**
   * The service placed this call through Twilio's REST API (ringing a patient back): the
   * callee's phone rings, and nothing is requested until it is answered, at `url`. `params`
   * is Twilio's form about the call (the stand-in's `outboundParams`: `outbound-api`,
   * From the clinic's number, To the patient). `detectsMachines`: answering-machine
   * detection was asked for, so Twilio says who answered.
   */
  placed?: {
    url: string;
    params: (extra: Record<string, string>) => Record<string, string>;
    detectsMachines?: boolean;
  };
  /**
   * A member of staff placed this call from the browser phone (the TwiML App): their
   * identity. Twilio requests `voiceUrl` with `appParams` (the SDK's `connect` params and
   * ApplicationSid); when the call ends the browser is told, as the SDK's `disconnect`.
   */
  fromBrowser?: { identity: string; voiceUrl: string; appParams: Record<string, string> };
  /** A <Dial><Number> of this call: rings that phone (the simulator's "patient's phone") and gives its leg. */
  ringNumber?: (call: SimulatedCall, dial: Extract<Verb, { verb: 'Dial' }>) => SimulatedCall;
  /** This call is a <Dial>'s leg to a phone: answering it bridges to `parent`, and its end ends the <Dial>. */
  bridgedTo?: SimulatedCall;
  clock?: () => number;
  /** The caller's place in a queue and the queue's size, as Twilio tells the wait URL. */
  queuePlace?: (call: SimulatedCall) => { position: number; size: number };
  /** A <Dial><Client> reached a browser identity: the simulated browser phone rings there. */
  onBrowserRinging?: (call: SimulatedCall, identity: string) => void;
  /** That browser is off the call (either end hung up), as the Voice SDK's `disconnect`. */
  onBrowserDisconnected?: (call: SimulatedCall, identity: string) => void;
  /** The call ended after a <Start><Recording>: Twilio finishes the recording and sends its status callback. */
  onRecordingDone?: (call: SimulatedCall, recording: { callback: string; seconds: number }) => Promise<void>;
}

/** Twilio's queue sid for a queue name: a fixed sid per name, as a queue is created on first use and kept. */
export const queueSidFor = (name: string) => 'QU' + createHash('sha256').update(name).digest('hex').slice(0, 32);

type Waiting = Extract<Verb, { verb: 'Gather' | 'Record' | 'Enqueue' | 'Dial' }>;

export class SimulatedCall {
  readonly transcript: TranscriptLine[] = [];
  state: CallState = 'ringing';
  private waiting: Waiting | null = null;
  private rest: Verb[] = [];
  private readonly clock: () => number;
  private readonly startedAt: number;
  /** When the callee answered: at once for a call to the clinic; null while a placed call rings (its duration counts from the answer). */
  private answeredAt: number | null;
  private queue: {
    name: string;
    sid: string;
    enteredAt: number;
    waitUrl: string | null;
    action: string | null;
    /** The wait URL's <Gather> action, while its answer plays (a key takes it). */
    gather?: string | null;
  } | null = null;
  private recording: { callback: string | null; startedAt: number } | null = null;
  /** The leg a <Dial><Number> of this call is ringing, or is bridged to. */
  private dialled: SimulatedCall | null = null;
  // One thing at a time per call, as on a real line: the caller, the queue's wait loop and reception take turns.
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: CallOptions,
    private readonly post: PostToService,
  ) {
    this.clock = options.clock ?? Date.now;
    this.startedAt = this.clock();
    this.answeredAt = options.placed || options.bridgedTo ? null : this.startedAt;
    if (options.placed || options.bridgedTo) this.note('call', `${options.from} is calling ${options.to}`);
  }

  get sid(): string {
    return this.options.sid;
  }

  /** As Twilio says it: a call to the clinic (or from the browser) is `inbound`; one the service placed, `outbound-api`; a <Dial>'s leg, `outbound-dial`. */
  get direction(): 'inbound' | 'outbound-api' | 'outbound-dial' {
    return this.options.placed ? 'outbound-api' : this.options.bridgedTo ? 'outbound-dial' : 'inbound';
  }

  /** Whether the callee has answered (a call to the clinic is answered from the start). */
  get answered(): boolean {
    return this.answeredAt !== null;
  }

  get from(): string {
    return this.options.from;
  }

  get to(): string {
    return this.options.to;
  }

  /** The verb the call is waiting on, if any (its action URL, what it accepts). */
  get waitingOn(): Waiting | null {
    return this.waiting;
  }

  /** In a queue whose wait URL offers a key (a call-back): a key may be pressed now. */
  get takesKeyInQueue(): boolean {
    return this.state === 'queued' && Boolean(this.queue?.gather);
  }

  /** The browser identity a connected <Dial><Client> reached, or null. */
  get connectedTo(): string | null {
    return this.state === 'connected' && this.waiting?.verb === 'Dial' ? this.waiting.client : null;
  }

  /** When the caller joined the queue they are in (ms since the epoch), or null. */
  get queuedAt(): number | null {
    return this.state === 'queued' ? (this.queue?.enteredAt ?? null) : null;
  }

  get queueName(): string | null {
    return this.state === 'queued' ? (this.queue?.name ?? null) : null;
  }

  /** What the caller heard since `index` in the transcript, as one string. */
  heardSince(index = 0): string {
    return this.transcript
      .slice(index)
      .filter((l) => l.who === 'line')
      .map((l) => l.text)
      .join(' ');
  }

  /** Twilio answers the call: the service's voice URL. */
  dial(): Promise<void> {
    return this.serially(async () => {
      this.note('call', `Calling ${this.options.to}`);
      await this.request(this.options.fromBrowser?.voiceUrl ?? '/twilio/voice', { CallStatus: 'ringing' });
    });
  }

  /**
   * The callee answers a call the service placed: Twilio requests its URL, saying who
   * answered (it was asked to detect machines): a person, or a voicemail's greeting.
   */
  answer(by: 'person' | 'machine'): Promise<void> {
    return this.inTurn(async () => {
      const placed = this.expectRinging();
      this.answeredAt = this.clock();
      if (by === 'person') this.note('caller', 'answered');
      else this.note('call', '(the voicemail answered)');
      // A <Dial>'s leg: no detection and no URL, the two ends simply talk.
      if (!placed) {
        this.state = 'connected';
        const parent = this.options.bridgedTo!;
        return () => parent.dialAnswered();
      }
      const answeredBy = by === 'person' ? 'human' : 'machine_start';
      await this.request(placed.url, placed.detectsMachines ? { AnsweredBy: answeredBy } : {});
    });
  }

  /**
   * A call the service placed is not answered: `busy` when the callee declines it,
   * `no-answer` when it rings out (Twilio gives up after the call's timeout). Its URL is
   * never requested; only the status callback hears.
   */
  notAnswered(status: 'busy' | 'no-answer'): Promise<void> {
    return this.inTurn(async () => {
      this.expectRinging();
      if (status === 'busy') this.note('caller', 'declined');
      else this.note('call', '(no answer)');
      await this.end(status);
      const parent = this.options.bridgedTo;
      if (parent) return () => parent.dialEnded(status, 0);
    });
  }

  /** Keys pressed into the current <Gather> (in a queue: the wait URL's, when it has one). */
  press(digits: string): Promise<void> {
    return this.serially(async () => {
      if (this.state === 'queued' && this.queue?.gather) {
        this.note('caller', `pressed ${digits}`);
        const action = this.queue.gather;
        this.queue.gather = null;
        return this.playInQueue(
          readTwiml(await this.post(action, this.params({ ...this.queueParams(), Digits: digits }))),
        );
      }
      const gather = this.expect('Gather');
      this.note('caller', `pressed ${digits}`);
      await this.request(gather.action, { Digits: digits });
    });
  }

  /** Words spoken into a <Gather> that listens for speech. */
  say(words: string): Promise<void> {
    return this.serially(async () => {
      const gather = this.expect('Gather');
      if (!gather.input.includes('speech')) throw new SimulatorError('This question takes keys only.');
      this.note('caller', `said "${words}"`);
      await this.request(gather.action, { SpeechResult: words, Confidence: '0.92' });
    });
  }

  /** The caller says nothing: Twilio's <Gather> times out and the next verb runs. */
  silence(): Promise<void> {
    return this.serially(async () => {
      this.expect('Gather');
      this.note('caller', '(silence)');
      await this.continueAfterWaiting();
    });
  }

  /** The caller finishes a message (`words`, when typed) into a <Record>: Twilio requests its action with the recording's details. */
  finishRecording(recording: { sid: string; url: string; seconds: number; words?: string }): Promise<void> {
    return this.serially(async () => {
      const record = this.expect('Record');
      const said = recording.words ? `: "${recording.words}"` : '';
      this.note('caller', `left ${article(String(recording.seconds))} ${recording.seconds}-second message${said}`);
      await this.request(record.action, {
        RecordingSid: recording.sid,
        RecordingUrl: recording.url,
        RecordingDuration: String(recording.seconds),
        Digits: 'hangup',
      });
    });
  }

  /** The caller hangs up: a connected <Dial> or a queue reports how it ended, then the status callback. */
  hangUp(): Promise<void> {
    return this.inTurn(async () => {
      if (this.state === 'ended') return;
      const parent = this.options.bridgedTo;
      // A placed call (or a <Dial>'s leg) still ringing: rejecting it is Twilio's busy.
      if ((this.options.placed || parent) && this.state === 'ringing') {
        this.note('caller', 'declined');
        await this.end('busy');
        if (parent) return () => parent.dialEnded('busy', 0);
        return;
      }
      const waiting = this.waiting;
      this.waiting = null;
      this.note('caller', 'hung up');
      if (parent) {
        const seconds = this.seconds();
        await this.end();
        return () => parent.dialEnded('completed', seconds);
      }
      // The other end of a <Dial><Number>: it rang off unanswered (canceled) or the two stop talking.
      const dialled = this.dialled;
      this.dialled = null;
      const dialStatus = dialled && !dialled.answered ? 'canceled' : 'completed';
      if (waiting?.verb === 'Dial' && waiting.client) this.options.onBrowserDisconnected?.(this, waiting.client);
      if (waiting?.verb === 'Enqueue' && waiting.action)
        await this.post(waiting.action, this.params({ ...this.queueParams(), QueueResult: 'hangup' })).catch(
          () => undefined,
        );
      if (waiting?.verb === 'Dial' && waiting.action)
        await this.post(
          waiting.action,
          this.params({
            DialCallStatus: dialStatus,
            DialCallDuration: String(dialled ? (dialled.answered ? dialled.seconds() : 0) : this.seconds()),
          }),
        ).catch(() => undefined);
      await this.end();
      if (dialled) return () => dialled.endedByOtherSide();
    });
  }

  /** The <Dial>'s leg was answered: the two ends are talking. */
  private dialAnswered(): Promise<void> {
    return this.serially(async () => {
      if (this.state !== 'connected' || !this.dialled) return;
      this.note('call', `(${this.dialled.to} answered: talking)`);
    });
  }

  /** The <Dial>'s leg ended (`status` as Twilio's DialCallStatus): its action hears how, and the call goes on from its answer. */
  private dialEnded(status: 'completed' | 'busy' | 'no-answer', seconds: number): Promise<void> {
    return this.serially(async () => {
      if (this.state === 'ended' || !this.dialled) return;
      const dial = this.expect('Dial');
      this.dialled = null;
      this.note('call', status === 'completed' ? `(${this.to} hung up)` : `(${this.to}: ${status})`);
      if (dial.action) await this.request(dial.action, { DialCallStatus: status, DialCallDuration: String(seconds) });
      else await this.continueAfterWaiting();
    });
  }

  /** The call that dialled this leg hung up: it stops ringing, or the talking stops. */
  private endedByOtherSide(): Promise<void> {
    return this.serially(async () => {
      if (this.state === 'ended') return;
      this.note('call', this.answered ? '(the other side hung up)' : '(stopped ringing)');
      await this.end(this.answered ? 'completed' : 'no-answer');
    });
  }

  /**
   * Twilio's wait loop: while the caller is in a queue, the wait URL is requested
   * again each time its answer has played (the simulator calls this every few seconds).
   */
  holdOn(): Promise<void> {
    return this.serially(async () => {
      if (this.state === 'queued') await this.fetchWaitUrl();
    });
  }

  /**
   * A REST dequeue moved the caller out of the queue to `url` (reception answered):
   * the <Enqueue> action hears `redirected`, and the call goes on at `url`.
   * False if the caller is not in a queue (Twilio answers that with a 404).
   */
  takenFromQueue(url: string): boolean {
    if (this.state !== 'queued') return false;
    void this.serially(async () => {
      if (this.state !== 'queued') return;
      const enqueue = this.waiting as Extract<Waiting, { verb: 'Enqueue' }>;
      this.note('call', '(taken from the queue by reception)');
      if (enqueue.action)
        await this.post(enqueue.action, this.params({ ...this.queueParams(), QueueResult: 'redirected' }));
      await this.request(url, {});
    }).catch((err: Error) => this.note('call', `(the simulator lost the call: ${err.message})`));
    return true;
  }

  /** The receptionist in the browser hangs up: the <Dial> action hears it was completed, and the call goes on from its answer. */
  receptionHangsUp(): Promise<void> {
    // A call placed from the browser: reception is the caller.
    if (this.options.fromBrowser) return this.hangUp();
    return this.serially(async () => {
      const dial = this.expect('Dial');
      this.note('call', 'Reception hung up');
      if (dial.client) this.options.onBrowserDisconnected?.(this, dial.client);
      if (dial.action)
        await this.request(dial.action, { DialCallStatus: 'completed', DialCallDuration: String(this.seconds()) });
      else await this.end();
    });
  }

  /**
   * One turn of this call, then what it leaves for the call at the other end of a <Dial>
   * (outside this turn, so two calls ending each other at once cannot wait on each other).
   */
  private async inTurn(work: () => Promise<(() => Promise<void>) | void>): Promise<void> {
    const then = await this.serially(work);
    if (then) await then();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.turn.then(work);
    this.turn = next.catch(() => undefined);
    return next;
  }

  private queueParams(): Record<string, string> {
    const q = this.queue;
    if (!q) return {};
    const place = this.options.queuePlace?.(this) ?? { position: 1, size: 1 };
    return {
      QueueSid: q.sid,
      QueueTime: String(Math.max(0, Math.round((this.clock() - q.enteredAt) / 1000))),
      QueuePosition: String(place.position),
      CurrentQueueSize: String(place.size),
      AvgQueueTime: '0',
      MaxQueueSize: '1000',
    };
  }

  /** The wait URL's answer plays to the caller in the queue: words, music, or <Leave> for the <Enqueue> action. */
  private async fetchWaitUrl(): Promise<void> {
    const q = this.queue;
    if (!q?.waitUrl) return;
    q.gather = null;
    await this.playInQueue(readTwiml(await this.post(q.waitUrl, this.params(this.queueParams()))));
  }

  /** What plays to a caller in the queue (the wait URL's answer, or its <Gather>'s): words, music, a key to take, or <Leave>. */
  private async playInQueue(verbs: Verb[]): Promise<void> {
    const q = this.queue;
    if (!q) return;
    for (const v of verbs) {
      if (v.verb === 'Gather') {
        for (const said of v.said) this.note('line', said);
        q.gather = v.action;
      } else if (v.verb === 'Say') this.note('line', v.text);
      else if (v.verb === 'Play') this.note('call', '(hold music)');
      else if (v.verb === 'Hangup') return this.end();
      else if (v.verb === 'Leave') {
        const params = { ...this.queueParams(), QueueResult: 'leave' };
        this.note('call', '(left the queue)');
        if (q.action) return this.request(q.action, params);
        return this.continueAfterWaiting();
      }
    }
  }

  private expect<V extends Waiting['verb']>(verb: V): Extract<Waiting, { verb: V }> {
    if (this.state === 'ended') throw new SimulatorError('The call has ended.');
    if (this.waiting?.verb !== verb)
      throw new SimulatorError(`The call is not waiting for that (it is ${this.state}).`);
    return this.waiting as Extract<Waiting, { verb: V }>;
  }

  /** A placed call the callee may still answer or decline, or a SimulatorError saying why not. */
  private expectRinging(): CallOptions['placed'] | null {
    const placed = this.options.placed;
    if (!placed && !this.options.bridgedTo)
      throw new SimulatorError('This call was made to the clinic: there is no phone ringing to answer.');
    if (this.state !== 'ringing') throw new SimulatorError(`The phone is not ringing (the call is ${this.state}).`);
    return placed ?? null;
  }

  /** Seconds since the callee answered, as Twilio's CallDuration and DialCallDuration count them. */
  private seconds(): number {
    return Math.max(1, Math.round((this.clock() - (this.answeredAt ?? this.clock())) / 1000));
  }

  private note(who: TranscriptLine['who'], text: string): void {
    this.transcript.push({ at: this.clock() - this.startedAt, who, text });
  }

  /** The form Twilio sends about this call, with `extra` (its callbacks carry it too). */
  params(extra: Record<string, string>): Record<string, string> {
    const { accountSid, sid, from, to, placed } = this.options;
    if (placed) return placed.params({ CallStatus: 'in-progress', ...extra });
    return {
      ...this.options.fromBrowser?.appParams,
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      CallSid: sid,
      From: from,
      Caller: from,
      To: to,
      Called: to,
      Direction: 'inbound',
      CallStatus: 'in-progress',
      ...extra,
    };
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
          this.recording ??= { callback: v.recordingStatusCallback, startedAt: this.clock() };
          break;
        case 'Gather':
          for (const said of v.said) this.note('line', said);
          return this.wait(v, 'gathering', verbs.slice(i + 1));
        case 'Record':
          this.note('call', '(beep: recording a message)');
          return this.wait(v, 'recording', verbs.slice(i + 1));
        case 'Enqueue':
          this.note('call', '(waiting in the queue)');
          this.queue = {
            name: v.queue,
            sid: queueSidFor(v.queue),
            enteredAt: this.clock(),
            waitUrl: v.waitUrl,
            action: v.action,
          };
          this.wait(v, 'queued', verbs.slice(i + 1));
          // Twilio requests the wait URL at once, then again each time its answer has played.
          return this.fetchWaitUrl();
        case 'Dial':
          if (v.number && this.options.ringNumber) {
            this.note('call', `(ringing ${v.number})`);
            this.wait(v, 'connected', verbs.slice(i + 1));
            this.dialled = this.options.ringNumber(this, v);
            return;
          }
          if (v.client) {
            this.note('call', '(put through to a receptionist in the browser)');
            this.wait(v, 'connected', verbs.slice(i + 1));
            this.options.onBrowserRinging?.(this, v.client);
            return;
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

  /** The call is over: the status callback hears how (a placed call never answered: busy or no-answer, 0 seconds). */
  private async end(status: 'completed' | 'busy' | 'no-answer' = 'completed'): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.waiting = null;
    this.note('call', 'Call ended');
    if (this.options.fromBrowser) this.options.onBrowserDisconnected?.(this, this.options.fromBrowser.identity);
    const statusPath = this.options.statusPath === undefined ? '/twilio/status' : this.options.statusPath;
    const duration = this.answeredAt === null ? 0 : this.seconds();
    if (statusPath) await this.post(statusPath, this.params({ CallStatus: status, CallDuration: String(duration) }));
    const recording = this.recording;
    if (recording?.callback && this.options.onRecordingDone) {
      await this.options.onRecordingDone(this, {
        callback: recording.callback,
        seconds: Math.max(1, Math.round((this.clock() - recording.startedAt) / 1000)),
      });
    }
  }
}

/** Something the caller cannot do now (press keys when nobody is asking). */
export class SimulatorError extends Error {}
