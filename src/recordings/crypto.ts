// Recordings at rest: AES-256-GCM with a random 96-bit IV per file, bound to the
// recording's id (additional authenticated data) so a file moved onto another
// recording's name fails to decrypt. Each clinic has its own data key, wrapped
// by RECORDINGS_KEY; destroying the wrapped key makes copies of the files unreadable
// (a database backup from before holds the wrapped key as well: README, Backups).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('CR1'); // clinic recording, format 1
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts `plain` with a 32-byte key: MAGIC ‖ IV ‖ tag ‖ ciphertext. */
export function seal(key: Buffer, plain: Buffer, boundTo: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

/** Decrypts what `seal` wrote; throws if the key, the binding or a single byte is wrong. */
export function open(key: Buffer, sealed: Buffer, boundTo: string): Buffer {
  if (sealed.length < MAGIC.length + IV_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC))
    throw new Error('not an encrypted recording');
  const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = sealed.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A new random data key and its wrapped form for storage. */
export function newDataKey(masterKey: Buffer, clinicId: string): { key: Buffer; wrapped: Buffer } {
  const key = randomBytes(32);
  return { key, wrapped: seal(masterKey, key, `clinic-key:${clinicId}`) };
}

export const unwrapDataKey = (masterKey: Buffer, wrapped: Buffer, clinicId: string): Buffer =>
  open(masterKey, wrapped, `clinic-key:${clinicId}`);
