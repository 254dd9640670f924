import express, { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { findClinicByNumber } from './clinic-lookup.js';
import { apologyTwiml, greetingTwiml, unknownNumberTwiml } from './twiml.js';
import { isSignedByTwilio, requireTwilioSignature } from './twilio-guard.js';

// Twilio adds parameters without notice: let unknown keys through.
const callSchema = z.looseObject({ CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/), To: z.string(), From: z.string().optional() });

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

  // The call-handling flow (menu, booking, queue) comes with the phone-line
  // issues; until then a known number is answered with the clinic's name and
  // put through to its fallback number; an unknown one is told so politely.
  router.post('/voice', async (req, res) => {
    const call = callSchema.parse(req.body);
    const clinic = await findClinicByNumber(ctx, call.To);
    const entry = clinic ? ctx.fallbackDirectory.lookup(call.To) : undefined;
    sendTwiml(res, entry ? greetingTwiml(entry) : unknownNumberTwiml());
  });

  const answerWithApology: ErrorRequestHandler = (err, req, res, _next) => {
    req.log?.error({ err }, 'Twilio webhook failed; answered with the apology');
    sendTwiml(res, apologyTwiml(ctx.fallbackDirectory.lookup(typeof req.body?.To === 'string' ? req.body.To : undefined)));
  };
  router.use((_req, res) => sendTwiml(res, apologyTwiml()));
  router.use(answerWithApology);
  return router;
}
