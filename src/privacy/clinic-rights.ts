// The clinic's own rights: all of its data in machine-readable form (./clinic-export.ts),
// and closing the clinic — everything erased, recordings and transcriptions at Twilio
// included, and its data key destroyed, so a recording file copied off the live system
// cannot be decrypted. (A database backup from before holds the wrapped key too: closure
// reaches backups when they expire.)
import { type Actor, recordAudit } from '../core/audit.js';
import type { Services } from '../core/services.js';
import { signOutThoseLeftWithoutAClinic } from '../accounts/staff.js';
import type { RecordingStorage } from '../recordings/storage.js';
import { queueDeletionsAtTwilio } from '../recordings/twilio-copies.js';
import { NotFound, InvalidInput, Conflict } from '../core/errors.js';

/**
 * Closes the clinic: its audio is deleted, Twilio's copies (recordings and their
 * transcriptions) are queued for deletion (jobs keyed only by Twilio's ids, retried
 * until gone), and every row of it is erased — its data key and audit log included.
 * The operator's trail keeps one entry: who closed which clinic id, when, and whether
 * held recordings went too.
 * Recordings under a legal hold stop the closure (as they stop a patient's erasure)
 * unless the owner says, explicitly, that they are to be destroyed as well.
 */
export async function closeClinic(
  deps: Pick<Services, 'db' | 'events'> & { recordings: RecordingStorage },
  clinicId: string,
  confirm: { confirmName: string; destroyHeldRecordings?: boolean },
  actor: Actor,
): Promise<{ numbers: string[] }> {
  const { prisma } = deps.db;
  const clinic = await prisma.clinic.findUnique({
    where: { id: clinicId },
    include: { numbers: true, memberships: { select: { userId: true } } },
  });
  if (!clinic) throw new NotFound('No such clinic');
  if (confirm.confirmName.trim() !== clinic.name.trim())
    throw new InvalidInput(
      "Type the clinic's name to confirm: it must be the clinic's name exactly as shown",
      'confirmName',
    );
  const held = await prisma.recording.count({ where: { clinicId, legalHold: true } });
  if (held > 0 && confirm.destroyHeldRecordings !== true) {
    throw new Conflict(
      'legal_hold',
      `${held} ${held === 1 ? 'recording is' : 'recordings are'} on legal hold. Lift the holds first, or confirm that they are to be destroyed with everything else.`,
      'destroyHeldRecordings',
    );
  }
  const recordings = await prisma.recording.findMany({
    where: { clinicId },
    select: {
      id: true,
      recordingSid: true,
      deletedAtTwilio: true,
      transcriptStatus: true,
      transcriptionSid: true,
      transcriptionDeletedAtTwilio: true,
    },
  });
  for (const r of recordings) await deps.recordings.delete(r.id);
  const members = clinic.memberships.map((m) => m.userId);
  const signedOut = await prisma.$transaction(async (tx) => {
    await queueDeletionsAtTwilio(tx, recordings);
    await tx.clinicKey.deleteMany({ where: { clinicId } });
    await tx.$executeRawUnsafe(`SET LOCAL clinic.audit_purge = 'on'`);
    await tx.auditEntry.deleteMany({ where: { clinicId } });
    await tx.clinic.delete({ where: { id: clinicId } }); // everything else of it goes with it (foreign keys cascade)
    await recordAudit(tx, {
      actor,
      action: 'clinic.closed',
      clinicId: null,
      subject: { type: 'clinic', id: clinicId },
      details: { recordings: recordings.length, heldRecordingsDestroyed: held },
    });
    // Its staff with no other clinic have nothing left to sign in to.
    return signOutThoseLeftWithoutAClinic(tx, members);
  });
  // Their open screens of it close now, on every instance; those left with no clinic are signed out.
  for (const userId of members) deps.events.accessChanged({ kind: 'left_clinic', userId, clinicId });
  for (const userId of signedOut) deps.events.accessChanged({ kind: 'signed_out', userId });
  return { numbers: clinic.numbers.map((n) => n.e164) };
}
