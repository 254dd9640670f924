import type { Express } from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TEST_BASE_URL } from './app.js';
import { callSid, inboundCall, signedTwilioPost } from './twilio.js';

// The TwiML verbs and nouns Twilio knows (voice); anything else is a bug.
const KNOWN = new Set([
  'Response',
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Redirect',
  'Hangup',
  'Dial',
  'Number',
  'Client',
  'Queue',
  'Enqueue',
  'Leave',
  'Record',
  'Reject',
  'Start',
  'Stop',
  'Recording',
  'Stream',
  'Sip',
  'Conference',
]);

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  trimValues: true,
  parseTagValue: false,
});

/** Walks preserveOrder output: [{ Tag: [...children], ':@': {attrs} }, { '#text': '...' }]. */
function walk(nodes: Node[], visit: (tag: string, attrs: Record<string, string>, children: Node[]) => void): void {
  for (const node of nodes) {
    for (const [tag, value] of Object.entries(node)) {
      if (tag === ':@' || tag === '#text' || tag.startsWith('?')) continue;
      visit(tag, (node[':@'] ?? {}) as Record<string, string>, value as Node[]);
      walk(value as Node[], visit);
    }
  }
}

export const QUEUE_SID = 'QU' + 'd'.repeat(32);

const textOf = (children: Node[]) => children.map((c) => String(c['#text'] ?? '')).join('');

/**
 * A caller on the phone: dials, hears what the TwiML says, presses keys or speaks
 * into the current <Gather>, or stays silent (Twilio then runs the next verb, the
 * <Redirect>). Every response is checked to be valid TwiML.
 */
export class Caller {
  readonly sid: string;
  twiml = '';
  private readonly params: Record<string, string>;

  constructor(
    private readonly app: Express,
    to: string,
    from = '+447700900123',
    sidNumber = Math.floor(Math.random() * 1e9),
  ) {
    this.sid = callSid(sidNumber);
    this.params = inboundCall({ CallSid: this.sid, To: to, From: from, Caller: from, CallStatus: 'in-progress' });
  }

  private async post(url: string, extra: Record<string, string>) {
    const path = url.startsWith(TEST_BASE_URL) ? url.slice(TEST_BASE_URL.length) : url;
    const res = await signedTwilioPost(this.app, path, { ...this.params, ...extra });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.text}`);
    if (!/^<\?xml/.test(res.text) || XMLValidator.validate(res.text) !== true)
      throw new Error(`not valid TwiML: ${res.text}`);
    walk(parser.parse(res.text), (tag, attrs) => {
      if (!KNOWN.has(tag)) throw new Error(`unknown TwiML verb <${tag}> in ${res.text}`);
      // Every question takes speech where it takes keys (issue 19): a keypad-only <Gather> is a bug.
      // (The desk phone's whisper is for staff, by key: its voicemail must not "say" yes.)
      if (
        tag === 'Gather' &&
        attrs['@input'] !== 'dtmf speech' &&
        !/\/(reception\/take|queue\/call-back)\?/.test(attrs['@action'] ?? '')
      )
        throw new Error(`a question that does not hear speech: ${res.text}`);
    });
    this.twiml = res.text;
    const enqueue = this.find('Enqueue');
    if (enqueue)
      this.queue = { name: enqueue.text, waitUrl: enqueue.attrs['@waitUrl']!, action: enqueue.attrs['@action']! };
    return this;
  }

  /** The queue the caller was last put in (Twilio keeps requesting its wait URL). */
  queue?: { name: string; waitUrl: string; action: string };

  /** Twilio asks the wait URL what to play while the caller waits. */
  waitInQueue(position: number, waitedSeconds: number, queueSid = QUEUE_SID) {
    if (!this.queue) throw new Error(`not in a queue: ${this.twiml}`);
    return this.post(this.queue.waitUrl, {
      QueueSid: queueSid,
      QueuePosition: String(position),
      QueueTime: String(waitedSeconds),
      AvgQueueTime: '0',
      CurrentQueueSize: String(position),
      MaxQueueSize: '100',
    });
  }

  /** The caller leaves the queue (hangs up, <Leave>, bridged …): Twilio requests the <Enqueue> action. */
  leftQueue(result: string, waitedSeconds = 30) {
    if (!this.queue) throw new Error(`not in a queue: ${this.twiml}`);
    return this.post(this.queue.action, { QueueResult: result, QueueSid: QUEUE_SID, QueueTime: String(waitedSeconds) });
  }

  /** Twilio fetches the URL a REST dequeue moved the caller to. */
  movedTo(url: string) {
    return this.post(url, {});
  }

  /** The current <Dial> ended with this DialCallStatus. */
  dialEnded(status: string, seconds = 60) {
    const dial = this.find('Dial');
    if (!dial?.attrs['@action']) throw new Error(`no <Dial action> to end: ${this.twiml}`);
    return this.post(dial.attrs['@action'], { DialCallStatus: status, DialCallDuration: String(seconds) });
  }

  /** The attributes of the current <Record> (voicemail). */
  recorder(): Record<string, string> | undefined {
    return this.find('Record')?.attrs;
  }

  /** Finishes speaking into the <Record>: Twilio requests its action. */
  finishRecording(seconds = 20) {
    const record = this.recorder();
    if (!record) throw new Error(`no <Record>: ${this.twiml}`);
    return this.post(record['@action']!, {
      RecordingSid: 'RE' + 'c'.repeat(32),
      RecordingDuration: String(seconds),
      RecordingUrl: 'https://api.twilio.com/recording',
      Digits: 'hangup',
    });
  }

  /** The call ends: the number's status callback, as Twilio sends it (once, or again when it retries). */
  ended(seconds = 60, status = 'completed') {
    return signedTwilioPost(this.app, '/twilio/status', {
      ...this.params,
      CallStatus: status,
      CallDuration: String(seconds),
    });
  }

  /** The voicemail's recording status callback (Twilio sends it after the call's <Record>, in any order with the end). */
  voicemailRecorded(seconds: number, status = 'completed', recordingSid = 'RE' + this.sid.slice(2)) {
    return signedTwilioPost(this.app, '/twilio/recording?kind=voicemail', {
      AccountSid: this.params.AccountSid!,
      CallSid: this.sid,
      RecordingSid: recordingSid,
      RecordingStatus: status,
      ...(status === 'completed' ? { RecordingDuration: String(seconds) } : {}),
      RecordingSource: 'RecordVerb',
    });
  }

  /** The desk phone picks up: Twilio requests the <Number url> (the whisper) on the desk's own leg of the call. */
  async deskPicksUp(): Promise<Caller> {
    const number = this.find('Number');
    if (!number?.attrs['@url']) throw new Error(`no <Number url> to pick up: ${this.twiml}`);
    const leg = new Caller(this.app, this.params.To!, this.params.From);
    Object.assign(leg.params, { Direction: 'outbound-dial', ParentCallSid: this.sid });
    return leg.post(number.attrs['@url'], {});
  }

  /** The first <Client> the current TwiML dials. */
  dialledClient(): string | undefined {
    return this.find('Client')?.text;
  }

  dial() {
    return this.post('/twilio/voice', { CallStatus: 'ringing' });
  }

  /** Everything said in the last response, in order. */
  heard(): string {
    const said: string[] = [];
    walk(parser.parse(this.twiml), (tag, _a, children) => {
      if (tag === 'Say') said.push(textOf(children));
    });
    return said.join(' ');
  }

  private find(tagName: string): { attrs: Record<string, string>; text: string } | undefined {
    let found: { attrs: Record<string, string>; text: string } | undefined;
    walk(parser.parse(this.twiml), (tag, attrs, children) => {
      if (tag === tagName && !found) found = { attrs, text: textOf(children) };
    });
    return found;
  }

  /** The number the current <Dial> rings (plain, or in a <Number> with its whisper). */
  dialled(): string | undefined {
    return this.find('Number')?.text ?? this.find('Dial')?.text;
  }

  hungUp(): boolean {
    return this.find('Hangup') !== undefined;
  }

  press(digits: string) {
    const gather = this.find('Gather');
    if (!gather) throw new Error(`no <Gather> to press ${digits} into: ${this.twiml}`);
    return this.post(gather.attrs['@action']!, { Digits: digits });
  }

  say(words: string) {
    const gather = this.find('Gather');
    if (!gather || !String(gather.attrs['@input']).includes('speech'))
      throw new Error(`no speech <Gather>: ${this.twiml}`);
    return this.post(gather.attrs['@action']!, { SpeechResult: words, Confidence: '0.91' });
  }

  /** Says nothing: Twilio does not call the Gather's action, it runs the next verb. */
  silence() {
    const redirect = this.find('Redirect');
    if (!redirect) throw new Error(`nothing carries the call on silence: ${this.twiml}`);
    return this.post(redirect.text, {});
  }

  /** Sends the last request again, as Twilio does when it retries. */
  async repeatLast(url: string, extra: Record<string, string>) {
    return this.post(url, extra);
  }

  gatherAction(): string {
    return this.find('Gather')!.attrs['@action']!;
  }
}
