// Sign-in and link throttling. Only failures count: a success refunds its attempt, so
// a clinic's whole staff behind one address can sign in all day. Guessing one account
// from one place is stopped quickly; guessing it from everywhere is stopped too, but
// never for the browser its owner has signed in on before (a "trusted device" cookie,
// OWASP's answer to lock-outs caused by someone else's failures).
import type { Prisma } from '../db/database.js';
import { consumeAttempt, type Limit, refundAttempt } from './rate-limit.js';
import { TooMany } from '../core/errors.js';

const WINDOW_MS = 15 * 60 * 1000;
/** Failures from one address, whatever the account: a whole clinic's staff may share it. */
export const PER_ADDRESS: Limit = { points: 50, windowMs: WINDOW_MS };
/** Failures for one account from one address. */
export const PER_ACCOUNT_HERE: Limit = { points: 10, windowMs: WINDOW_MS };
/** Failures for one account from anywhere: counts only for browsers the person has not signed in on. */
export const PER_ACCOUNT_ANYWHERE: Limit = { points: 30, windowMs: WINDOW_MS };
/** Unknown or spent set-password links from one address. */
export const LINKS_PER_ADDRESS: Limit = { points: 20, windowMs: WINDOW_MS };

export interface Attempt {
  keys: string[];
  /** Gives back this attempt's count on every key it took (it succeeded). */
  refund(): Promise<void>;
}

/** Counts an attempt against each key; 429 with Retry-After when any is over its limit. */
export async function takeAttempt(
  prisma: Prisma,
  limits: Array<[string, Limit]>,
  now: Date,
  what: string,
): Promise<Attempt> {
  const taken: string[] = [];
  for (const [key, limit] of limits) {
    const attempt = await consumeAttempt(prisma, key, limit, now);
    taken.push(key);
    if (!attempt.allowed) {
      throw new TooMany(
        'too_many_attempts',
        `Too many ${what}. Try again in ${Math.ceil(attempt.retryAfterSeconds / 60)} minutes.`,
        attempt.retryAfterSeconds,
      );
    }
  }
  return { keys: taken, refund: async () => void (await Promise.all(taken.map((key) => refundAttempt(prisma, key)))) };
}

/** The limits a sign-in attempt counts against. */
export function signInLimits(email: string, address: string, trustedDevice: boolean): Array<[string, Limit]> {
  return [
    [`signin:address:${address}`, PER_ADDRESS],
    [`signin:account:${email}:address:${address}`, PER_ACCOUNT_HERE],
    ...(trustedDevice ? [] : [[`signin:account:${email}`, PER_ACCOUNT_ANYWHERE] as [string, Limit]]),
  ];
}

const HOUR_MS = 60 * 60 * 1000;
/** "Forgot password" requests from one address, whatever the email (a whole clinic may share it). */
export const RESETS_PER_ADDRESS: Limit = { points: 20, windowMs: HOUR_MS };
/** "Forgot password" requests for one email, from anywhere: a few emails, never an inbox flooded. */
export const RESETS_PER_EMAIL: Limit = { points: 5, windowMs: HOUR_MS };
