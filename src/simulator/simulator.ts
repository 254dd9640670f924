// The phone simulator's calls on this instance. Each call requests this service's
// own webhooks over HTTP, signed as Twilio signs them with a token only the server
// knows, so a simulated call takes exactly the path a real one does. Calls the
// service places through the in-process stand-in (ringing a patient back) ring "the
// patient's phone" here. Calls live in memory: the simulator is for one development instance.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { EventBus } from '../core/events.js';
import { silentMp3 } from '../recordings/silence.js';
import { queueSidFor, SimulatedCall, SimulatorError } from './simulated-call.js';

const MAX_CALLS = 50;
/** How often a queued caller's wait URL is requested again (Twilio: when the last answer has played). */
export const HOLD_LOOP_MS = 10_000;

/** Twilio's side of recordings and their transcriptions, when this process plays Twilio (the in-process stand-in). */
export interface SimulatedRecordings {
  url: string;
  addRecording(
    callSid: string,
    audio: Buffer,
    seconds: number,
    options: { source: 'RecordVerb' | 'StartCallRecordingAPI' },
  ): { sid: string };
  startTranscription(recordingSid: string): { sid: string };
  /** Ends it (with `words`, or failed) and gives the form Twilio posts to the transcribeCallback. */
  finishTranscription(
    transcriptionSid: string,
    words: string | null,
    callParams: Record<string, string>,
  ): Record<string, string>;
}

/** How long a typed message would take to say: about 150 words a minute, and a breath before it. */
export const secondsToSay = (words: string): number =>
  Math.min(120, Math.max(1, Math.ceil(words.trim().split(/\s+/).length / 2.5) + 1));

export interface SimulatorTwilio {
  accountSid: string;
  authToken: string;
}

/** A call the service placed through Twilio's REST API, as the stand-in keeps it (its OutboundCall). */
export interface PlacedCall {
  sid: string;
  from: string;
  to: string;
  /** Requested when the callee answers. */
  url: string;
  statusCallback: string | null;
  /** Which changes the status callback hears; the simulator sends only `completed`, the end. */
  statusCallbackEvent: string[];
  /** Seconds it rings before Twilio gives up with no-answer. */
  timeout: number;
  /** Answering-machine detection asked for: only then does Twilio say who answered (`AnsweredBy`). */
  machineDetection: string | null;
}

/** Keeps Twilio's ring timeout: calls `giveUp` after `ms`; answers a cancel. */
export type RingTimer = (ms: number, giveUp: () => void) => () => void;

const unrefTimer: RingTimer = (ms, giveUp) => {
  const timer = setTimeout(giveUp, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export class Simulator {
  private readonly calls = new Map<string, { clinicId: string; call: SimulatedCall }>();
  /** Each ringing placed call's timeout, to cancel on stop. */
  private readonly ringing = new Map<string, () => void>();
  private localUrl?: string;
  private holdLoop?: NodeJS.Timeout;
  private readonly recordings?: SimulatedRecordings;
  private readonly ringTimer: RingTimer;

  /**
   * `events`: where a call reaching a receptionist's browser (<Dial><Client>) or the
   * patient's phone is told, so the screens take it. `recordings`: Twilio's side, when this
   * process plays Twilio. `ringTimer`: how a placed call's ring timeout is kept (tests hand
   * in their own, so nothing waits on the wall clock).
   */
  constructor(
    private readonly account: SimulatorTwilio,
    private readonly publicBaseUrl: string,
    private readonly options: { events?: EventBus; recordings?: SimulatedRecordings; ringTimer?: RingTimer } = {},
  ) {
    this.recordings = options.recordings;
    this.ringTimer = options.ringTimer ?? unrefTimer;
  }

  /** Where this instance listens; simulated requests go there (not through the public URL). */
  listening(url: string): void {
    this.localUrl = url.replace('//localhost:', '//127.0.0.1:');
    this.holdLoop ??= setInterval(() => {
      for (const { call } of this.calls.values())
        if (call.state === 'queued') void call.holdOn().catch(() => undefined);
    }, HOLD_LOOP_MS).unref();
  }

  stop(): void {
    clearInterval(this.holdLoop);
    for (const cancel of this.ringing.values()) cancel();
    this.ringing.clear();
  }

  get ready(): boolean {
    return this.localUrl !== undefined;
  }

  /** True when this process plays Twilio itself (no Twilio configured): reception answers in the simulated browser phone. */
  get playsTwilio(): boolean {
    return this.recordings !== undefined;
  }

  /**
   * Twilio's queue-member dequeue (`POST /Queues/{QueueSid}/Members/{CallSid}.json`)
   * reached the in-process stand-in: the queued caller goes on at `url`. False when
   * no such caller waits in that queue, which Twilio answers with a 404.
   */
  dequeue(queueSid: string, callSid: string, url: string): boolean {
    const call = this.calls.get(callSid)?.call;
    if (!call?.queueName || queueSidFor(call.queueName) !== queueSid) return false;
    return call.takenFromQueue(url);
  }

  /** Places a call from `from` to `to` (one of the clinic's numbers) and plays it until it waits for the caller. */
  async place(clinicId: string, to: string, from: string): Promise<SimulatedCall> {
    const sid = 'CA' + randomBytes(16).toString('hex');
    const call = new SimulatedCall(
      {
        sid,
        accountSid: this.account.accountSid,
        from,
        to,
        queuePlace: (me) => this.placeInQueue(me),
        ...this.screensOf(clinicId),
      },
      this.post,
    );
    this.keep(clinicId, call);
    await call.dial();
    return call;
  }

  /**
   * The service placed a call through Twilio's REST API (the in-process stand-in): the
   * patient's phone rings here, among `clinicId`'s calls. As at Twilio, nothing is
   * requested until it is answered, and after its timeout it ends as no-answer.
   * `params` is Twilio's form about the call (the stand-in's `outboundParams`).
   */
  ringPatient(
    clinicId: string,
    placed: PlacedCall,
    params: (extra: Record<string, string>) => Record<string, string>,
  ): SimulatedCall {
    const call = new SimulatedCall(
      {
        sid: placed.sid,
        accountSid: this.account.accountSid,
        from: placed.from,
        to: placed.to,
        statusPath: placed.statusCallbackEvent.includes('completed') ? placed.statusCallback : null,
        placed: { url: placed.url, params, detectsMachines: placed.machineDetection !== null },
        ...this.screensOf(clinicId),
      },
      this.post,
    );
    this.keep(clinicId, call);
    this.ringUntil(call, placed.timeout);
    this.options.events?.publish('simulator.phone_ringing', clinicId, {
      callSid: call.sid,
      from: placed.from,
      to: placed.to,
    });
    return call;
  }

  /**
   * A member of staff rings `to` from the browser phone: Twilio requests the TwiML App's
   * voice URL as the Voice SDK's `connect` would (From `client:<identity>`, the SDK's
   * `params`), and the <Dial><Number> it answers rings the patient's phone here.
   */
  async ringOut(
    clinicId: string,
    identity: string,
    to: string,
    params: Record<string, string>,
    applicationSid: string,
  ): Promise<SimulatedCall> {
    const call = new SimulatedCall(
      {
        sid: 'CA' + randomBytes(16).toString('hex'),
        accountSid: this.account.accountSid,
        from: `client:${identity}`,
        to,
        fromBrowser: {
          identity,
          voiceUrl: '/twilio/client',
          appParams: { ...params, ApplicationSid: applicationSid, Caller: `client:${identity}` },
        },
        ringNumber: (parent, dial) => this.ringDialled(clinicId, parent, dial),
        ...this.screensOf(clinicId),
      },
      this.post,
    );
    this.keep(clinicId, call);
    await call.dial();
    return call;
  }

  /** A <Dial><Number> rings the patient's phone: answered, it talks to the call that dialled it; unanswered after the <Dial>'s timeout, no-answer. */
  private ringDialled(
    clinicId: string,
    parent: SimulatedCall,
    dial: { number: string | null; callerId: string | null; timeout: number },
  ): SimulatedCall {
    const leg = new SimulatedCall(
      {
        sid: 'CA' + randomBytes(16).toString('hex'),
        accountSid: this.account.accountSid,
        from: dial.callerId ?? parent.from,
        to: dial.number!,
        // A <Number>'s own status callback is not asked for: the <Dial>'s action hears its end.
        statusPath: null,
        bridgedTo: parent,
      },
      this.post,
    );
    this.keep(clinicId, leg);
    this.ringUntil(leg, dial.timeout);
    this.options.events?.publish('simulator.phone_ringing', clinicId, { callSid: leg.sid, from: leg.from, to: leg.to });
    return leg;
  }

  /** Twilio gives up on a ringing phone after `seconds`: no-answer. */
  private ringUntil(call: SimulatedCall, seconds: number): void {
    const giveUp = () => {
      this.ringing.delete(call.sid);
      // Answered or declined meanwhile: nothing to give up.
      if (call.state === 'ringing') void call.notAnswered('no-answer').catch(() => undefined);
    };
    this.ringing.set(call.sid, this.ringTimer(seconds * 1000, giveUp));
  }

  /** The calls ringing the patient's phone for this clinic (placed by the service or dialled from the browser), not yet over, oldest first. */
  patientsPhone(clinicId: string): SimulatedCall[] {
    return [...this.calls.values()]
      .filter((e) => e.clinicId === clinicId && e.call.direction !== 'inbound' && e.call.state !== 'ended')
      .map((e) => e.call);
  }

  /** What a call of this clinic tells its screens: the browser phone ringing and hung up, a recording kept. */
  private screensOf(clinicId: string) {
    const events = this.options.events;
    return {
      onBrowserRinging: (me: SimulatedCall, identity: string) =>
        events?.publish('simulator.browser_ringing', clinicId, { callSid: me.sid, identity }),
      onBrowserDisconnected: (me: SimulatedCall, identity: string) =>
        events?.publish('simulator.browser_disconnected', clinicId, { callSid: me.sid, identity }),
      onRecordingDone: (me: SimulatedCall, recording: { callback: string; seconds: number }) =>
        this.finishCallRecording(me, recording),
    };
  }

  private keep(clinicId: string, call: SimulatedCall): void {
    this.calls.set(call.sid, { clinicId, call });
    // The oldest ended calls make room.
    for (const [old, entry] of this.calls) {
      if (this.calls.size <= MAX_CALLS) break;
      if (entry.call.state === 'ended') this.calls.delete(old);
    }
  }

  /** Callers ahead in the same queue come first, as in Twilio's FIFO queue. */
  private placeInQueue(me: SimulatedCall): { position: number; size: number } {
    const queued = [...this.calls.values()]
      .map((e) => e.call)
      .filter((c) => c.queueName !== null && c.queueName === me.queueName);
    return { position: queued.filter((c) => c.queuedAt! < me.queuedAt! || c === me).length, size: queued.length };
  }

  /** A call of this clinic's, or undefined. */
  find(clinicId: string, sid: string): SimulatedCall | undefined {
    const entry = this.calls.get(sid);
    return entry?.clinicId === clinicId ? entry.call : undefined;
  }

  /**
   * The caller leaves a message into the <Record> they hear — typed `words`, or silence:
   * Twilio keeps the audio (here the stand-in, `seconds` of silence), requests the
   * <Record> action, then sends the recording's status callback, and the service brings
   * the audio home. When the <Record> asked for a transcript, Twilio's comes after, to its
   * transcribeCallback: the typed words, or a failure (silence, or too short or long).
   */
  async leaveMessage(call: SimulatedCall, seconds: number, words?: string): Promise<void> {
    const record = call.waitingOn;
    if (record?.verb !== 'Record')
      throw new SimulatorError(`The call is not recording a message (it is ${call.state}).`);
    if (!this.recordings)
      throw new SimulatorError(
        'Leaving a message needs the simulator to play Twilio itself (no TWILIO_AUTH_TOKEN configured).',
      );
    const recording = this.recordings.addRecording(call.sid, silentMp3(seconds), seconds, { source: 'RecordVerb' });
    const transcription = record.transcribeCallback ? this.recordings.startTranscription(recording.sid) : null;
    const callback = this.recordingCallback(call.sid, recording.sid, seconds, 'RecordVerb');
    await call.finishRecording({ sid: recording.sid, url: callback.RecordingUrl!, seconds, words });
    if (record.recordingStatusCallback) await this.post(record.recordingStatusCallback, callback);
    if (transcription && record.transcribeCallback)
      await this.post(
        record.transcribeCallback,
        this.recordings.finishTranscription(transcription.sid, words ?? null, call.params({ CallStatus: 'completed' })),
      );
  }

  /**
   * A recorded call ended (the clinic records calls): Twilio keeps the whole call's
   * audio (here `seconds` of silence) and sends the recording's status callback, as
   * for a real call; without the in-process stand-in there is no audio to keep.
   */
  private async finishCallRecording(
    call: SimulatedCall,
    recording: { callback: string; seconds: number },
  ): Promise<void> {
    if (!this.recordings) return;
    const kept = this.recordings.addRecording(call.sid, silentMp3(recording.seconds), recording.seconds, {
      source: 'StartCallRecordingAPI',
    });
    await this.post(
      recording.callback,
      this.recordingCallback(call.sid, kept.sid, recording.seconds, 'StartCallRecordingAPI'),
    );
  }

  /** Twilio's recording status callback for a completed recording. */
  private recordingCallback(
    callSid: string,
    recordingSid: string,
    seconds: number,
    source: 'RecordVerb' | 'StartCallRecordingAPI',
  ): Record<string, string> {
    const url = `${this.recordings!.url}/2010-04-01/Accounts/${this.account.accountSid}/Recordings/${recordingSid}`;
    return {
      AccountSid: this.account.accountSid,
      CallSid: callSid,
      RecordingSid: recordingSid,
      RecordingUrl: url,
      RecordingStatus: 'completed',
      RecordingDuration: String(seconds),
      RecordingChannels: source === 'RecordVerb' ? '1' : '2',
      RecordingSource: source,
    };
  }

  private readonly post = async (url: string, params: Record<string, string>): Promise<string> => {
    if (!this.localUrl) throw new Error('the simulator does not know where this instance listens yet');
    const path = url.startsWith(this.publicBaseUrl) ? url.slice(this.publicBaseUrl.length) : url;
    const signature = twilio.getExpectedTwilioSignature(this.account.authToken, this.publicBaseUrl + path, params);
    const res = await fetch(this.localUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`${path.split('?')[0]} answered ${res.status}`);
    return res.text();
  };
}
