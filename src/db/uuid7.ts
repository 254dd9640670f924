import { randomBytes } from 'node:crypto';

/**
 * A version 7 UUID (RFC 9562): a millisecond timestamp, then random bits. Rows
 * written every second (calls) get ids that land at the right edge of the primary
 * key's B-tree instead of on a random page.
 */
export function uuid7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return uuidFromHex(bytes.toString('hex'));
}

/** 32 hex digits in the 8-4-4-4-12 form. */
export const uuidFromHex = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
