import { createHmac } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { TEST_AUTH_TOKEN, TEST_BASE_URL } from './app.js';

/**
 * Twilio's signature, written from its documentation rather than taken from the
 * twilio package the server validates with: HMAC-SHA1 keyed with the Auth Token
 * over the full URL, then every parameter name and value sorted by name; base64.
 * twilio.test.ts checks it against Twilio's published example.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((name) => name + params[name])
      .join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export const callSid = (n = 1) => 'CA' + n.toString(16).padStart(32, '0');

/** Parameters Twilio sends with an inbound call's first request (real names, as captured from Twilio). */
export function inboundCall(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC' + 'a'.repeat(32),
    ApiVersion: '2010-04-01',
    CallSid: callSid(),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: '+447700900123',
    To: '+441632960000',
    Caller: '+447700900123',
    Called: '+441632960000',
    FromCountry: 'GB',
    ToCountry: 'GB',
    ...overrides,
  };
}

/** POSTs a form to the app signed exactly as Twilio would sign it for PUBLIC_BASE_URL + path. */
export function signedTwilioPost(
  app: Express,
  path: string,
  params: Record<string, string>,
  options: { authToken?: string; baseUrl?: string } = {},
) {
  const signature = twilioSignature(
    options.authToken ?? TEST_AUTH_TOKEN,
    (options.baseUrl ?? TEST_BASE_URL) + path,
    params,
  );
  return request(app).post(path).type('form').set('X-Twilio-Signature', signature).send(params);
}
