import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random bearer token for a cookie or a link; only its hash is stored. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const hmac = (secret: string, message: string): string =>
  createHmac('sha256', secret).update(message).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
