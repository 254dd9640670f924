import { ZodError } from 'zod';
import express, { Router, type ErrorRequestHandler } from 'express';
import { inboundText, textReply } from '../texts/waitlist-offers.js';
import type { AppContext } from '../main/context.js';
import {
  answerCall,
  applyRecordingCallback,
  applyStatusCallback,
  incomingCallSchema,
  recordingCallbackSchema,
  statusCallbackSchema,
  transcriptionCallbackSchema,
  TERMINAL,
} from '../telephony/calls.js';
import { fileTranscription } from '../recordings/pipeline.js';
import {
  changeAction,
  changeCancel,
  changeCheckBirthDate,
  changeMove,
  changeSlot,
  changeWhich,
  changeWho,
} from '../telephony/change-line.js';
import {
  birthDateConfirmed,
  birthDateNotFound,
  chooseSlot,
  choosePatient,
  chooseType,
  chooseVerified,
  confirmed,
  heardBirthDate,
  heardName,
  knownBirthDate,
  nameConfirmed,
} from '../telephony/booking-line.js';
import { closedChoice, goodbye, menu, welcome } from '../telephony/ivr.js';
import type { Ivr } from '../telephony/phone.js';
import { CallStep, type Params } from '../voice/call-step.js';
import { STEPS, type StepPath, type StepQuery } from '../voice/steps.js';
import { applyVoicemailCallback } from '../reception/call-backs.js';
import { callBackNumber, callBackPressed, callBackWhen } from '../reception/queue-call-back.js';
import { callBackReply } from '../reception/call-back-texts.js';
import { ringBackAnswered, ringBackBridged, ringBackConfirmed, ringBackEnded } from '../reception/ring-back-call.js';
import { ringBackNextEverywhere } from '../reception/ring-back.js';
import { browserCall, browserCallEnded, endBrowserTry } from '../reception/browser-calls.js';
import { staffIdFromIdentity } from '../reception/answering.js';
import {
  connectedResult,
  connectToStaff,
  deskDialled,
  deskTake,
  deskWhisper,
  queueLeft,
  queueWait,
  voicemailDone,
} from '../reception/queue.js';
import { apologyTwiml, emptyTwiml, unknownNumberTwiml } from '../voice/twiml.js';
import { fieldWithNul } from '../http/no-nul.js';
import { isSignedByTwilio, requireTwilioSignature } from '../http/twilio-guard.js';
import { traceRequests } from '../http/tracing.js';
import { callTraceContext } from '../core/tracing.js';

export const TWIML_DEADLINE_MS = 2_000;
/** A call's id, as our URLs carry it. */
const CALL_ID = /^[0-9a-f-]{36}$/;

const sendTwiml = (res: express.Response, xml: string) => {
  if (!res.headersSent) res.status(200).type('text/xml').send(xml);
};

/** A step's URL names no call of ours: a replay, or a call already purged or erased. */
class UnknownCallError extends Error {
  constructor() {
    super('action URL names no known call');
  }
}

/** Everything Twilio calls, under /twilio/. No error ever reaches the caller as anything but speech. */
export function twilioRoutes(ctx: AppContext): Router {
  const router = Router();
  const { authToken } = ctx.config.twilio;
  const base = ctx.config.publicBaseUrl;
  /** The apology, put through to the fallback number of the clinic the caller dialled when this instance knows it. */
  const apologyFor = (req: express.Request) =>
    apologyTwiml(ctx.fallbackDirectory.lookup(typeof req.body?.To === 'string' ? req.body.To : undefined));
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  // Twilio's fallback URL: called when the main webhook failed, so it reads and
  // changes nothing. Anyone gets the plain apology; only a signed request learns
  // the clinic's fallback number.
  router.post('/fallback', (req, res) => {
    const signed = isSignedByTwilio(authToken, base, req.originalUrl, req.get('X-Twilio-Signature'), req.body);
    const entry = signed
      ? ctx.fallbackDirectory.lookup(typeof req.body?.To === 'string' ? req.body.To : undefined)
      : undefined;
    if (signed) {
      req.log?.warn({ errorCode: req.body?.ErrorCode, errorUrl: req.body?.ErrorUrl }, 'Twilio used the fallback URL');
      ctx.meters.twimlApology('fallback_url');
    }
    sendTwiml(res, apologyTwiml(entry));
  });

  router.use(requireTwilioSignature(authToken, base));
  // Every webhook of a call (a dialled leg's too) in the call's one trace.
  if (ctx.config.tracing) router.use(traceRequests({ parentOf: callTraceOf }));

  // PostgreSQL refuses a NUL byte in text and Twilio never sends one: a signed request
  // carrying one is answered like any request we cannot act on, before any query.
  router.use((req, res, next) => {
    if (!(fieldWithNul(req.query) ?? fieldWithNul(req.body))) return next();
    req.log?.warn({ path: req.path }, 'Twilio request carried a NUL byte; answered without acting on it');
    if (req.path !== '/sms') ctx.meters.twimlApology('unusable_request');
    sendTwiml(res, req.path === '/sms' ? textReply() : apologyFor(req));
  });

  // Texts to a clinic's number (its messaging webhook): a NO to a call-back's heads-up, a
  // YES to a waitlist offer. Answered with messaging TwiML, so it sits before the voice deadline below.
  router.post('/sms', async (req, res) => {
    try {
      const text = (req.body ?? {}) as Record<string, string | undefined>;
      sendTwiml(res, (await callBackReply(ctx, text)) ?? (await inboundText(ctx, text)));
    } catch (err) {
      req.log?.error({ err }, 'incoming text failed; answered with no reply');
      sendTwiml(res, textReply());
    }
  });

  // Twilio gives up after 15 s and plays its "application error". If the database
  // hangs, answer the apology (and the forward) after 2 s instead; a late result is dropped.
  router.use((req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log?.error({ path: req.path }, 'Twilio webhook took too long; answered with the apology');
      ctx.meters.twimlApology('deadline');
      sendTwiml(res, apologyFor(req));
    }, TWIML_DEADLINE_MS);
    res.once('close', () => clearTimeout(timer)); // emitted last, sent or not
    next();
  });

  // A call comes in: record it (once per CallSid), tell the dashboards who is calling,
  // then the clinic's messages and the menu.
  router.post('/voice', async (req, res) => {
    const params = incomingCallSchema.parse(req.body);
    const answered = await answerCall(ctx, params);
    if (!answered) return sendTwiml(res, unknownNumberTwiml());
    const { clinic } = answered;
    ctx.fallbackDirectory.rememberNumber(params.To, {
      clinicName: clinic.name,
      locale: clinic.locale,
      fallbackNumber: clinic.fallbackNumber,
    });
    sendTwiml(
      res,
      welcome(
        new CallStep(ctx, {
          id: answered.callId,
          callSid: params.CallSid,
          fromNumber: params.From,
          ivrState: answered.ivrState,
          clinic,
          words: await ctx.clinicWords.wordsOf(clinic),
        }),
      ),
    );
  });

  /** The call named in an action URL, with its clinic; those URLs are ours and Twilio signed them. */
  async function ivrFor(callId: unknown): Promise<Ivr> {
    const call =
      typeof callId === 'string' && CALL_ID.test(callId)
        ? await ctx.db.prisma.call.findUnique({
            where: { id: callId },
            select: {
              id: true,
              callSid: true,
              fromNumber: true,
              ivrState: true,
              endedAt: true,
              clinic: {
                select: {
                  id: true,
                  name: true,
                  timeZone: true,
                  locale: true,
                  emergencyMessage: true,
                  greeting: true,
                  receptionNumber: true,
                  fallbackNumber: true,
                  recordCalls: true,
                  recordingNotice: true,
                  emergencyAdvice: true,
                  wordsVersion: true,
                  urgentPhrases: true,
                },
              },
            },
          })
        : null;
    if (!call) throw new UnknownCallError();
    return new CallStep(ctx, { ...call, words: await ctx.clinicWords.wordsOf(call.clinic) });
  }

  type Step<P extends StepPath> = (ivr: Ivr, q: StepQuery<P>, body: Params) => string | Promise<string>;
  // Every step's handler (one for each in src/voice/steps.ts, or the typecheck fails), given
  // what its action URL carries, read through the step's schema.
  const steps: { [P in StepPath]: Step<P> } = {
    menu,
    goodbye: (ivr) => goodbye(ivr),
    'book/type': chooseType,
    'book/slot': chooseSlot,
    'book/who': choosePatient,
    'book/known-dob': knownBirthDate,
    'book/not-found': birthDateNotFound,
    'book/which': chooseVerified,
    'book/name': heardName,
    'book/name-ok': nameConfirmed,
    'book/dob': heardBirthDate,
    'book/dob-ok': birthDateConfirmed,
    'book/confirm': confirmed,
    'change/who': changeWho,
    'change/dob': changeCheckBirthDate,
    'change/which': changeWhich,
    'change/action': changeAction,
    'change/cancel': changeCancel,
    'change/slot': changeSlot,
    'change/move': changeMove,
    closed: closedChoice,
    'reception/dialled': deskDialled,
    'reception/whisper': (ivr) => deskWhisper(ivr),
    'reception/take': deskTake,
    'queue/wait': queueWait,
    'queue/left': queueLeft,
    'queue/connect': connectToStaff,
    'queue/connected': connectedResult,
    'queue/call-back': callBackPressed,
    'queue/call-back-number': callBackNumber,
    'queue/call-back-when': callBackWhen,
    'voicemail/done': (ivr) => voicemailDone(ivr),
  };
  const answer =
    <P extends StepPath>(path: P, handler: Step<P>) =>
    async (req: express.Request, res: express.Response) => {
      const query = req.query as Params;
      const carried = STEPS[path].parse(query) as StepQuery<P>;
      sendTwiml(res, await handler(await ivrFor(query.call), carried, (req.body ?? {}) as Params));
    };
  for (const path of Object.keys(steps) as StepPath[])
    router.post(`/${path}`, answer(path, steps[path] as Step<typeof path>));

  // The TwiML App's voice URL: calls the browser places (ringing a patient back).
  router.post('/client', async (req, res) => {
    sendTwiml(res, await browserCall(ctx, (req.body ?? {}) as Record<string, string | undefined>));
  });
  router.post('/client/ended', async (req, res) => {
    sendTwiml(res, await browserCallEnded(ctx, (req.body ?? {}) as Record<string, string | undefined>));
  });

  // Ringing a patient back (src/reception/ring-back.ts): the answer, their key, the bridge's end, the call's end.
  router.post('/call-back/answered', async (req, res) => {
    sendTwiml(res, await ringBackAnswered(ctx, req.query, req.body ?? {}));
  });
  router.post('/call-back/confirm', async (req, res) => {
    sendTwiml(res, await ringBackConfirmed(ctx, req.query, req.body ?? {}));
  });
  router.post('/call-back/bridged', async (req, res) => {
    sendTwiml(res, await ringBackBridged(ctx, req.query, req.body ?? {}));
  });
  router.post('/call-back/status', async (req, res) => {
    await ringBackEnded(ctx, req.query, req.body ?? {});
    sendTwiml(res, emptyTwiml());
    void ringBackNextEverywhere(ctx).catch((err) => req.log?.warn({ err }, 'could not ring the next call-back'));
  });

  router.post('/status', async (req, res) => {
    const status = statusCallbackSchema.parse(req.body);
    await applyStatusCallback(ctx, status);
    // A call placed from the browser (From a staff identity) whose <Dial> action was never heard:
    // the TwiML App's status callback. Other calls' ends never look for a browser try.
    if (TERMINAL.has(status.CallStatus) && staffIdFromIdentity(status.From))
      await endBrowserTry(ctx, status.CallSid, 'no_end_heard');
    sendTwiml(res, emptyTwiml());
  });

  router.post('/recording', async (req, res) => {
    const cb = recordingCallbackSchema.parse(req.body);
    if (req.query.kind === 'voicemail')
      await applyVoicemailCallback(ctx, {
        callSid: cb.CallSid,
        recordingSid: cb.RecordingSid,
        status: cb.RecordingStatus,
        durationSeconds: cb.RecordingDuration,
        transcriptAsked: req.query.transcript === '1',
      });
    else await applyRecordingCallback(ctx, cb);
    sendTwiml(res, emptyTwiml());
  });

  // A voicemail's transcript (the <Record>'s transcribeCallback, naming its call): filed once,
  // on that call's voicemail only; anything else — another call's recording, a replay after
  // an erasure — changes nothing.
  router.post('/transcription', async (req, res) => {
    const cb = transcriptionCallbackSchema.parse(req.body);
    const callId = typeof req.query.call === 'string' && CALL_ID.test(req.query.call) ? req.query.call : null;
    const filed =
      callId !== null &&
      (await fileTranscription(ctx, {
        callId,
        callSid: cb.CallSid,
        recordingSid: cb.RecordingSid,
        transcriptionSid: cb.TranscriptionSid,
        status: cb.TranscriptionStatus,
        text: cb.TranscriptionText,
      }));
    if (!filed)
      req.log?.info({ path: req.path }, 'a transcription callback named no voicemail of its call, or came again');
    sendTwiml(res, emptyTwiml());
  });

  const answerWithApology: ErrorRequestHandler = (err, req, res, _next) => {
    if (res.headersSent) return; // the deadline already answered
    // Twilio's requests are a few kilobytes: a body past the limit is not Twilio, and is refused unread.
    if ((err as { type?: string }).type === 'entity.too.large') {
      res.status(413).type('text/plain').send('Request body too large');
      return;
    }
    // A signed request without the fields its step needs is Twilio's (or a replay's) oddity, not our failure.
    const unusable = err instanceof ZodError || err instanceof UnknownCallError;
    if (unusable)
      req.log?.warn(
        { problem: err instanceof ZodError ? err.issues.map((i) => i.path.join('.')).join(', ') : err.message },
        'Twilio request was not one we can act on; answered with the apology',
      );
    else req.log?.error({ err }, 'Twilio webhook failed; answered with the apology');
    ctx.meters.twimlApology(unusable ? 'unusable_request' : 'error');
    sendTwiml(res, apologyFor(req));
  };
  router.use((_req, res) => {
    ctx.meters.twimlApology('unusable_request');
    sendTwiml(res, apologyTwiml());
  });
  router.use(answerWithApology);
  return router;
}

/** The trace of the call a webhook is about: the parent call's for a leg it dialled. */
function callTraceOf(req: express.Request) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const sid = body.ParentCallSid ?? body.CallSid;
  return typeof sid === 'string' && sid ? callTraceContext(sid) : undefined;
}
