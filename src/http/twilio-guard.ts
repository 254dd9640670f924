import type { RequestHandler } from 'express';
import twilio from 'twilio';

/**
 * Twilio signs the URL it called, so we check against PUBLIC_BASE_URL plus the
 * path and query: behind a proxy that rewrites protocol or host, the URL Express
 * sees is not the one Twilio signed (twilio-node #321, #505).
 */
export function isSignedByTwilio(
  authToken: string | undefined,
  publicBaseUrl: string,
  originalUrl: string,
  signature: string | undefined,
  params: unknown,
): boolean {
  if (!authToken || !signature) return false;
  const body = params && typeof params === 'object' ? (params as Record<string, unknown>) : {};
  return twilio.validateRequest(authToken, signature, publicBaseUrl + originalUrl, body);
}

/** Rejects, with 403 and no other effect, any request Twilio did not sign. */
export function requireTwilioSignature(authToken: string | undefined, publicBaseUrl: string): RequestHandler {
  return (req, res, next) => {
    if (isSignedByTwilio(authToken, publicBaseUrl, req.originalUrl, req.get('X-Twilio-Signature'), req.body))
      return next();
    res.status(403).type('text/plain').send('Invalid or missing X-Twilio-Signature');
  };
}
