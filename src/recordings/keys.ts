import type { Prisma } from '../db/database.js';
import { newDataKey, unwrapDataKey } from './crypto.js';

/** The clinic's data key, made on first use; two instances making one at once keep the first. */
export async function clinicDataKey(prisma: Prisma, masterKey: Buffer, clinicId: string): Promise<Buffer> {
  const found = await prisma.clinicKey.findUnique({ where: { clinicId } });
  if (found) return unwrapDataKey(masterKey, Buffer.from(found.wrappedKey), clinicId);
  const fresh = newDataKey(masterKey, clinicId);
  await prisma.clinicKey.createMany({
    data: [{ clinicId, wrappedKey: new Uint8Array(fresh.wrapped) }],
    skipDuplicates: true,
  });
  const kept = await prisma.clinicKey.findUniqueOrThrow({ where: { clinicId } });
  return unwrapDataKey(masterKey, Buffer.from(kept.wrappedKey), clinicId);
}
