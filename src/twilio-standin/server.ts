// A local stand-in for Twilio's REST API (no internet here): Twilio's real paths,
// form-encoded requests, JSON resources and error bodies, for what this service
// calls. It keeps calls, recordings (with audio) and their transcriptions, queue
// members and messages in memory and records every request so tests can check them
// against Twilio's own API description.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
// What Twilio transcribes (2 s to 2 min; shorter or longer fails, its warning 13617).
import { TRANSCRIBED_SECONDS } from '../recordings/transcripts.js';

export interface RecordedRequest {
  method: string;
  path: string;
  form: Record<string, string>;
  query: Record<string, string>;
  response?: { status: number; body: unknown };
}

/** A call placed through the REST API, with what Twilio was asked to do when it is answered. */
export interface OutboundCall {
  sid: string;
  to: string;
  from: string;
  /** Where Twilio fetches the TwiML when the callee answers. */
  url: string;
  method: string;
  statusCallback: string | null;
  statusCallbackEvent: string[];
  /** How long it rings before Twilio gives up (no-answer). */
  timeout: number;
  /** Answering-machine detection asked for (`Enable` or `DetectMessageEnd`), if any. */
  machineDetection: string | null;
  status: string;
  createdAt: Date;
}

/** Twilio rings at most 600 s; this stand-in also refuses under 15 s, which lets the callee's voicemail take the call before a person can. */
export const OUTBOUND_MIN_TIMEOUT = 15;

export interface StandinRecording {
  sid: string;
  callSid: string;
  status: 'in-progress' | 'paused' | 'stopped' | 'processing' | 'completed' | 'absent';
  duration: number;
  audio: Buffer;
  dateCreated: Date;
  /** How it was made: RecordVerb for <Record> (voicemail), StartCallRecordingAPI for a whole call. */
  source: 'RecordVerb' | 'StartCallRecordingAPI' | 'DialVerb';
}

/** A transcription of a <Record transcribe>, as Twilio keeps it: its own resource, which deleting the recording does not take. */
export interface StandinTranscription {
  sid: string;
  recordingSid: string;
  status: 'in-progress' | 'completed' | 'failed';
  text: string | null;
  /** The transcribed audio's length in seconds. */
  duration: number;
  dateCreated: Date;
}

const API = '/2010-04-01/Accounts/:AccountSid';
const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/** One page of a list resource, newest first, in Twilio's list format (`PageSize`, `Page`, the page URIs). */
function listPage<T extends { dateCreated: Date }>(
  req: Request,
  base: string,
  name: string,
  all: T[],
  resource: (item: T) => object,
) {
  const pageSize = Math.min(1000, Number(req.query.PageSize ?? 50));
  const page = Number(req.query.Page ?? 0);
  const sorted = [...all].sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
  const items = sorted.slice(page * pageSize, (page + 1) * pageSize);
  const more = (page + 1) * pageSize < sorted.length;
  return {
    [name]: items.map(resource),
    page,
    page_size: pageSize,
    start: page * pageSize,
    end: page * pageSize + Math.max(0, items.length - 1),
    uri: `${base}?PageSize=${pageSize}&Page=${page}`,
    first_page_uri: `${base}?PageSize=${pageSize}&Page=0`,
    previous_page_uri: page > 0 ? `${base}?PageSize=${pageSize}&Page=${page - 1}` : null,
    next_page_uri: more ? `${base}?PageSize=${pageSize}&Page=${page + 1}` : null,
  };
}

export class TwilioStandin {
  readonly requests: RecordedRequest[] = [];
  readonly calls = new Map<string, { sid: string; status: string; url?: string; twiml?: string }>();
  /** Calls the service placed (`POST …/Calls.json`), as Twilio keeps them: whoever plays the callee answers them. */
  readonly outbound = new Map<string, OutboundCall>();
  /** An outbound call was placed: whatever plays the callee (a test, the phone simulator) is told. */
  onOutboundCall?: (call: OutboundCall) => void;
  readonly recordings = new Map<string, StandinRecording>();
  readonly transcriptions = new Map<string, StandinTranscription>();
  readonly messages: Array<{ sid: string; to: string; from?: string; body: string; status: string }> = [];
  readonly dequeued: Array<{ queueSid: string; callSid: string; url: string }> = [];
  /** Who is in which queue, when something plays the callers (the phone simulator): false means not a member, Twilio's 404. */
  onDequeue?: (member: { queueSid: string; callSid: string; url: string }) => boolean;
  private server?: http.Server;
  private readonly stalled = new Set<NodeJS.Timeout>();
  private faults: Array<{
    method: string;
    path: RegExp;
    times: number;
    status: number;
    code: number;
    message: string;
    delayMs: number;
  }> = [];
  url = '';

  /**
   * Makes the next `times` matching requests fail as Twilio would (a 503 by default),
   * or, with `delayMs`, answer only after that long: for retries, timeouts and crashes.
   */
  fail(rule: {
    method?: string;
    path: RegExp;
    times?: number;
    status?: number;
    code?: number;
    message?: string;
    delayMs?: number;
  }): void {
    this.faults.push({
      method: rule.method ?? 'POST',
      path: rule.path,
      times: rule.times ?? 1,
      status: rule.status ?? 503,
      code: rule.code ?? 20503,
      message: rule.message ?? 'Service Unavailable',
      delayMs: rule.delayMs ?? 0,
    });
  }

  /** Twilio is well again: requests from now on are answered normally (stalled ones still wait out their delay). */
  recover(): void {
    this.faults = [];
  }

  constructor(
    readonly accountSid: string,
    private readonly secrets: { authToken: string; apiKey?: string; apiSecret?: string },
  ) {}

  /** A completed recording at Twilio, as if a call had just been recorded. */
  addRecording(
    callSid: string,
    audio: Buffer = Buffer.from('ID3 fake mp3'),
    duration = 12,
    options: { source?: StandinRecording['source']; dateCreated?: Date } = {},
  ): StandinRecording {
    const r: StandinRecording = {
      sid: sid('RE'),
      callSid,
      status: 'completed',
      duration,
      audio,
      dateCreated: options.dateCreated ?? new Date(),
      source: options.source ?? 'StartCallRecordingAPI',
    };
    this.recordings.set(r.sid, r);
    return r;
  }

  /** Twilio starts transcribing a recording (its <Record> said `transcribe`): in progress until `finishTranscription`. */
  startTranscription(recordingSid: string): StandinTranscription {
    const recording = this.recordings.get(recordingSid);
    if (!recording) throw new Error(`no recording ${recordingSid} to transcribe`);
    const t: StandinTranscription = {
      sid: sid('TR'),
      recordingSid,
      status: 'in-progress',
      text: null,
      duration: recording.duration,
      dateCreated: new Date(),
    };
    this.transcriptions.set(t.sid, t);
    return t;
  }

  /**
   * Twilio's transcription ends: completed with `words` for a recording of 2 s to 2 min,
   * failed for one shorter or longer, or with nothing heard — and failed too, as Twilio
   * loses it, when the recording was deleted before it was done. Returns the form Twilio
   * then posts to the <Record>'s transcribeCallback, given the call's own parameters.
   */
  finishTranscription(
    transcriptionSid: string,
    words: string | null,
    callParams: Record<string, string>,
  ): Record<string, string> {
    const t = this.transcriptions.get(transcriptionSid);
    if (!t) throw new Error(`no transcription ${transcriptionSid}`);
    const inRange = t.duration >= TRANSCRIBED_SECONDS.min && t.duration <= TRANSCRIBED_SECONDS.max;
    const lost = !this.recordings.has(t.recordingSid);
    if (t.status === 'in-progress') {
      t.status = inRange && !lost && words?.trim() ? 'completed' : 'failed';
      t.text = t.status === 'completed' ? words!.trim() : null;
    }
    const base = `https://api.twilio.com/2010-04-01/Accounts/${this.accountSid}`;
    return {
      ...callParams,
      AccountSid: this.accountSid,
      TranscriptionSid: t.sid,
      TranscriptionStatus: t.status,
      ...(t.text !== null ? { TranscriptionText: t.text } : {}),
      TranscriptionType: 'fast',
      TranscriptionUrl: `${base}/Recordings/${t.recordingSid}/Transcriptions/${t.sid}`,
      RecordingSid: t.recordingSid,
      RecordingUrl: `${base}/Recordings/${t.recordingSid}`,
    };
  }

  async start(): Promise<string> {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use((req, res, next) => {
      const record: RecordedRequest = {
        method: req.method,
        path: req.path,
        form: { ...(req.body ?? {}) },
        query: { ...(req.query as Record<string, string>) },
      };
      this.requests.push(record);
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        record.response = { status: res.statusCode, body };
        return json(body);
      };
      next();
    });
    app.use(this.authenticate);
    app.use((req, res, next) => {
      const fault = this.faults.find((f) => f.times > 0 && f.method === req.method && f.path.test(req.path));
      if (!fault) return next();
      fault.times--;
      if (fault.delayMs) return void this.stalled.add(setTimeout(next, fault.delayMs));
      this.error(res, fault.status, fault.code, fault.message);
    });

    // Places a call (Twilio's "Create a Call"): To, From and a Url are required; the callee is played by whoever listens.
    app.post(`${API}/Calls.json`, (req, res) => {
      const form = req.body as Record<string, string | string[] | undefined>;
      const one = (k: string) => (Array.isArray(form[k]) ? form[k]![0] : form[k]) as string | undefined;
      const [to, from, url] = [one('To'), one('From'), one('Url')];
      if (!to || !from) return this.error(res, 400, 21201, 'No called number is specified');
      if (!url) return this.error(res, 400, 21205, 'Url parameter is required');
      const timeout = one('Timeout') === undefined ? 60 : Number(one('Timeout'));
      if (!Number.isInteger(timeout) || timeout < OUTBOUND_MIN_TIMEOUT || timeout > 600)
        return this.error(
          res,
          400,
          21210,
          `Timeout must be a whole number of seconds from ${OUTBOUND_MIN_TIMEOUT} to 600 (the stand-in's floor: shorter lets the callee's voicemail win)`,
        );
      const events = form.StatusCallbackEvent;
      const call: OutboundCall = {
        sid: sid('CA'),
        to,
        from,
        url,
        method: one('Method') ?? 'POST',
        statusCallback: one('StatusCallback') ?? null,
        statusCallbackEvent: (Array.isArray(events) ? events : events ? [events] : ['completed']).flatMap((e) =>
          e.split(' '),
        ),
        timeout,
        machineDetection: one('MachineDetection') ?? null,
        status: 'queued',
        createdAt: new Date(),
      };
      this.outbound.set(call.sid, call);
      this.calls.set(call.sid, { sid: call.sid, status: call.status, url });
      res.status(201).json({ ...this.callResource(call.sid, call.status), direction: 'outbound-api', to, from });
      this.onOutboundCall?.(call);
    });
    app.post(`${API}/Calls/:Sid.json`, (req, res) => {
      const call = this.calls.get(String(req.params.Sid)) ?? { sid: String(req.params.Sid), status: 'in-progress' };
      if (req.body.Url) call.url = req.body.Url;
      if (req.body.Twiml) call.twiml = req.body.Twiml;
      if (req.body.Status) call.status = req.body.Status === 'completed' ? 'completed' : 'canceled';
      this.calls.set(call.sid, call);
      res.json(this.callResource(call.sid, call.status));
    });
    app.post(`${API}/Calls/:CallSid/Recordings.json`, (req, res) => {
      const r = this.addRecording(String(req.params.CallSid));
      r.status = 'in-progress';
      res.status(201).json(this.callRecordingResource(r));
    });
    app.post(`${API}/Calls/:CallSid/Recordings/:Sid.json`, (req, res, next) => {
      const r = this.recordings.get(String(req.params.Sid));
      if (!r) return next();
      if (req.body.Status === 'stopped') r.status = 'completed';
      else if (req.body.Status === 'paused') r.status = 'paused';
      else if (req.body.Status === 'in-progress') r.status = 'in-progress';
      res.json(this.callRecordingResource(r));
    });
    app.get(`${API}/Recordings.json`, (req, res) => {
      const base = `/2010-04-01/Accounts/${req.params.AccountSid}/Recordings.json`;
      res.json(listPage(req, base, 'recordings', [...this.recordings.values()], (r) => this.recordingResource(r)));
    });
    app.get(`${API}/Recordings/:file`, (req, res, next) => {
      const m = /^(RE[0-9a-f]{32})\.(json|mp3|wav)$/.exec(String(req.params.file));
      const r = m ? this.recordings.get(m[1]!) : undefined;
      if (!m || !r) return next();
      if (m[2] === 'json') return res.json(this.recordingResource(r));
      // Media exists only once the recording is complete.
      if (r.status !== 'completed') return next();
      res.type(m[2] === 'mp3' ? 'audio/mpeg' : 'audio/x-wav').send(r.audio);
    });
    app.delete(`${API}/Recordings/:file`, (req, res, next) => {
      const m = /^(RE[0-9a-f]{32})\.json$/.exec(String(req.params.file));
      if (!m || !this.recordings.delete(m[1]!)) return next();
      res.status(204).end();
    });
    // Transcriptions: the account's list, one by its sid, and a recording's (Twilio lists those while the recording is there).
    const transcriptions = (req: Request, base: string, all: StandinTranscription[]) =>
      listPage(req, base, 'transcriptions', all, (t) => this.transcriptionResource(t));
    app.get(`${API}/Transcriptions.json`, (req, res) => {
      const base = `/2010-04-01/Accounts/${this.accountSid}/Transcriptions.json`;
      res.json(transcriptions(req, base, [...this.transcriptions.values()]));
    });
    app.get(`${API}/Recordings/:RecordingSid/Transcriptions.json`, (req, res, next) => {
      const recordingSid = String(req.params.RecordingSid);
      if (!this.recordings.has(recordingSid)) return next();
      const base = `/2010-04-01/Accounts/${this.accountSid}/Recordings/${recordingSid}/Transcriptions.json`;
      res.json(
        transcriptions(
          req,
          base,
          [...this.transcriptions.values()].filter((t) => t.recordingSid === recordingSid),
        ),
      );
    });
    const oneTranscription = (req: Request): StandinTranscription | undefined => {
      const m = /^(TR[0-9a-f]{32})\.json$/.exec(String(req.params.file));
      const t = m ? this.transcriptions.get(m[1]!) : undefined;
      return t && (req.params.RecordingSid === undefined || t.recordingSid === req.params.RecordingSid) ? t : undefined;
    };
    for (const path of [`${API}/Transcriptions/:file`, `${API}/Recordings/:RecordingSid/Transcriptions/:file`]) {
      app.get(path, (req, res, next) => {
        const t = oneTranscription(req);
        if (!t) return next();
        res.json(this.transcriptionResource(t));
      });
      app.delete(path, (req, res, next) => {
        const t = oneTranscription(req);
        if (!t) return next();
        this.transcriptions.delete(t.sid);
        res.status(204).end();
      });
    }
    app.post(`${API}/Messages.json`, (req, res) => {
      if (!req.body.To || !req.body.Body || !(req.body.From || req.body.MessagingServiceSid)) {
        return this.error(
          res,
          400,
          21604,
          "A 'To' phone number, a 'From' number or MessagingServiceSid, and a Body are required.",
        );
      }
      const m = { sid: sid('SM'), to: req.body.To, from: req.body.From, body: req.body.Body, status: 'queued' };
      this.messages.push(m);
      res.status(201).json({
        sid: m.sid,
        account_sid: req.params.AccountSid,
        to: m.to,
        from: m.from ?? null,
        messaging_service_sid: req.body.MessagingServiceSid ?? null,
        body: m.body,
        status: m.status,
        direction: 'outbound-api',
        api_version: '2010-04-01',
        num_segments: '1',
        date_created: rfc2822(new Date()),
        date_updated: rfc2822(new Date()),
        date_sent: null,
        error_code: null,
        error_message: null,
        price: null,
        price_unit: 'USD',
        uri: `/2010-04-01/Accounts/${req.params.AccountSid}/Messages/${m.sid}.json`,
      });
    });
    app.post(`${API}/Queues/:QueueSid/Members/:CallSid.json`, (req, res) => {
      if (!req.body.Url) return this.error(res, 400, 21205, 'Url parameter is required.');
      const member = {
        queueSid: String(req.params.QueueSid),
        callSid: String(req.params.CallSid),
        url: String(req.body.Url),
      };
      if (this.onDequeue && !this.onDequeue(member))
        return this.error(res, 404, 20404, 'The requested resource was not found');
      this.dequeued.push(member);
      res.json({
        call_sid: req.params.CallSid,
        queue_sid: req.params.QueueSid,
        date_enqueued: rfc2822(new Date()),
        position: 1,
        wait_time: 0,
        uri: `/2010-04-01/Accounts/${req.params.AccountSid}/Queues/${req.params.QueueSid}/Members/${req.params.CallSid}.json`,
      });
    });
    app.use((_req, res) => this.error(res, 404, 20404, 'The requested resource was not found'));

    this.server = http.createServer(app);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const timer of this.stalled) clearTimeout(timer);
    this.server?.closeAllConnections();
    if (this.server) await new Promise((resolve) => this.server!.close(resolve));
  }

  // HTTP Basic with the Account SID and Auth Token, or an API key and its secret, as Twilio takes.
  private authenticate = (req: Request, res: Response, next: NextFunction) => {
    const [scheme, encoded] = (req.get('authorization') ?? '').split(' ');
    const [user, pass] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(':');
    const ok =
      scheme === 'Basic' &&
      ((user === this.accountSid && pass === this.secrets.authToken) ||
        (!!this.secrets.apiKey && user === this.secrets.apiKey && pass === this.secrets.apiSecret));
    if (!ok) return this.error(res, 401, 20003, 'Authenticate');
    if (
      req.path.startsWith('/2010-04-01/Accounts/') &&
      !req.path.startsWith(`/2010-04-01/Accounts/${this.accountSid}/`)
    )
      return this.error(res, 404, 20404, 'The requested resource was not found');
    next();
  };

  /**
   * The form Twilio sends about a placed call (to its Url when answered, to its status
   * callback as it progresses): the callee's leg, `outbound-api`, with `extra` such as
   * CallStatus, AnsweredBy or CallDuration.
   */
  outboundParams(callSid: string, extra: Record<string, string>): Record<string, string> {
    const call = this.outbound.get(callSid);
    if (!call) throw new Error(`no outbound call ${callSid}`);
    return {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      Direction: 'outbound-api',
      CallStatus: call.status,
      ...extra,
    };
  }

  private error(res: Response, status: number, code: number, message: string) {
    res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
  }

  private callResource(callSid: string, status: string) {
    const now = rfc2822(new Date());
    return {
      sid: callSid,
      account_sid: this.accountSid,
      status,
      date_created: now,
      date_updated: now,
      direction: 'inbound',
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${callSid}.json`,
    };
  }

  /** A recording seen under its call (Calls/{CallSid}/Recordings): Twilio gives no media_url there. */
  private callRecordingResource(r: StandinRecording) {
    const { media_url: _media, ...rest } = this.recordingResource(r);
    return { ...rest, uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${r.callSid}/Recordings/${r.sid}.json` };
  }

  private transcriptionResource(t: StandinTranscription) {
    return {
      sid: t.sid,
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      recording_sid: t.recordingSid,
      status: t.status,
      transcription_text: t.text,
      duration: String(t.duration),
      type: 'fast',
      price: null,
      price_unit: 'USD',
      date_created: rfc2822(t.dateCreated),
      date_updated: rfc2822(t.dateCreated),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Transcriptions/${t.sid}.json`,
    };
  }

  private recordingResource(r: StandinRecording) {
    const base = `/2010-04-01/Accounts/${this.accountSid}/Recordings/${r.sid}`;
    return {
      sid: r.sid,
      account_sid: this.accountSid,
      call_sid: r.callSid,
      api_version: '2010-04-01',
      status: r.status,
      duration: r.status === 'completed' ? String(r.duration) : '-1',
      channels: 2,
      source: r.source,
      date_created: rfc2822(r.dateCreated),
      date_updated: rfc2822(r.dateCreated),
      start_time: rfc2822(r.dateCreated),
      price: null,
      price_unit: 'USD',
      error_code: null,
      uri: `${base}.json`,
      media_url: `https://api.twilio.com${base}`,
    };
  }
}
