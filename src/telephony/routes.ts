import express, { Router, type ErrorRequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { applyStatusCallback, incomingCallSchema, receiveCall, statusCallbackSchema } from './calls.js';
import { findClinicByNumber } from './clinic-lookup.js';
import { apologyTwiml, emptyTwiml, greetingTwiml, unknownNumberTwiml } from './twiml.js';
import { isSignedByTwilio, requireTwilioSignature } from './twilio-guard.js';

const sendTwiml = (res: express.Response, xml: string) => res.status(200).type('text/xml').send(xml);

/** Everything Twilio calls, under /twilio/. No error ever reaches the caller as anything but speech. */
export function twilioRoutes(ctx: AppContext): Router {
  const router = Router();
  const { authToken } = ctx.config.twilio;
  const base = ctx.config.publicBaseUrl;
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  // Twilio's fallback URL: called when the main webhook failed, so it reads and
  // changes nothing. Anyone gets the plain apology; only a signed request learns
  // the clinic's fallback number.
  router.post('/fallback', (req, res) => {
    const signed = isSignedByTwilio(authToken, base, req.originalUrl, req.get('X-Twilio-Signature'), req.body);
    const entry = signed ? ctx.fallbackDirectory.lookup(typeof req.body?.To === 'string' ? req.body.To : undefined) : undefined;
    if (signed) req.log?.warn({ errorCode: req.body?.ErrorCode, errorUrl: req.body?.ErrorUrl }, 'Twilio used the fallback URL');
    sendTwiml(res, apologyTwiml(entry));
  });

  router.use(requireTwilioSignature(authToken, base));

  const deps = { prisma: ctx.db.prisma, events: ctx.events, clock: ctx.clock };

  // A call comes in: record it (once per CallSid), tell the dashboards who is calling,
  // then the clinic's messages. The menu (booking, changing, reception) comes with the
  // phone-line work; until then the caller is put through to the fallback number.
  router.post('/voice', async (req, res) => {
    const call = incomingCallSchema.parse(req.body);
    const clinic = await findClinicByNumber(ctx, call.To);
    const entry = clinic ? ctx.fallbackDirectory.lookup(call.To) : undefined;
    if (!clinic || !entry) return sendTwiml(res, unknownNumberTwiml());
    await receiveCall(deps, clinic, call);
    sendTwiml(res, greetingTwiml(entry, clinic));
  });

  router.post('/status', async (req, res) => {
    await applyStatusCallback(deps, statusCallbackSchema.parse(req.body));
    sendTwiml(res, emptyTwiml());
  });

  const answerWithApology: ErrorRequestHandler = (err, req, res, _next) => {
    req.log?.error({ err }, 'Twilio webhook failed; answered with the apology');
    sendTwiml(res, apologyTwiml(ctx.fallbackDirectory.lookup(typeof req.body?.To === 'string' ? req.body.To : undefined)));
  };
  router.use((_req, res) => sendTwiml(res, apologyTwiml()));
  router.use(answerWithApology);
  return router;
}
