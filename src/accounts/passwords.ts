import argon2 from 'argon2';
import { z } from 'zod';

export const passwordSchema = z
  .string({ error: 'is required' })
  .min(12, 'must be at least 12 characters')
  .max(200, 'must be at most 200 characters');

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

// Verifying against this when the email is unknown makes both failures take as long.
let dummyHash: Promise<string> | undefined;

/** True when the password matches; false for a missing hash, after the same work. */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('not-a-real-password-for-timing');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
