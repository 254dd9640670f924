// Hearing a recording: who may, the decrypted audio, and an audit entry for each
// listen or download. The audio is decrypted on the server; keys never leave it.
import { type Actor, recordAudit } from '../core/audit.js';
import type { Prisma } from '../db/database.js';
import { open } from './crypto.js';
import { clinicDataKey } from './keys.js';
import type { RecordingStorage } from './storage.js';
import { NotFound, Conflict, NotAllowed, Gone } from '../core/errors.js';

export interface Listener {
  clinicId: string;
  role: 'owner' | 'receptionist';
  actor: Actor;
}

/** Voicemails are for all the clinic's staff; whole-call recordings for owners, and receptionists when the clinic allows it. */
export function mayHear(kind: string, role: string, receptionistsHearRecordings: boolean): boolean {
  return kind === 'voicemail' || role === 'owner' || receptionistsHearRecordings;
}

/** The recording's audio for this listener; 404 for another clinic's, 403 when not theirs to hear, 409 while not stored. */
export async function recordingAudio(
  deps: { prisma: Prisma; storage: RecordingStorage; masterKey: Buffer },
  who: Listener,
  recordingId: string,
): Promise<{ audio: Buffer; kind: string; createdAt: Date }> {
  const recording = await deps.prisma.recording.findFirst({
    where: { id: recordingId, clinicId: who.clinicId },
    include: { clinic: { select: { receptionistsHearRecordings: true } } },
  });
  if (!recording) throw new NotFound('No such recording');
  if (!mayHear(recording.kind, who.role, recording.clinic.receptionistsHearRecordings))
    throw new NotAllowed(
      'forbidden',
      "Call recordings are for the clinic's owners; an owner can let receptionists hear them in Settings.",
    );
  if (recording.status !== 'stored') {
    throw new Conflict(
      'not_ready',
      recording.status === 'completed'
        ? 'The recording is still being fetched from Twilio; try again in a minute.'
        : 'This recording has no sound to play.',
    );
  }
  const sealed = await deps.storage.get(recording.id);
  if (!sealed) throw new Gone('gone', 'The audio of this recording is no longer held.');
  const key = await clinicDataKey(deps.prisma, deps.masterKey, recording.clinicId);
  return { audio: open(key, sealed, recording.id), kind: recording.kind, createdAt: recording.createdAt };
}

/** A player asks again for each seek; requests within this long of an audited one are the same listen. */
export const LISTEN_WINDOW_MS = 30 * 60_000;

/**
 * Audits a listen or download: every request for the audio counts, whatever part of it
 * it asks for, unless the same person's same kind of access to this recording was
 * audited within the window. (Auditing only requests from byte 0 once let `Range:
 * bytes=1-` hear everything unrecorded.) Entries carry the database's time, so the
 * window is measured on the real clock.
 */
export async function auditListening(
  prisma: Prisma,
  who: Listener,
  recordingId: string,
  download: boolean,
): Promise<void> {
  const action = download ? 'recording.downloaded' : 'recording.listened';
  const actorId = who.actor.type === 'user' ? who.actor.userId : null;
  const recent = await prisma.auditEntry.findFirst({
    where: {
      clinicId: who.clinicId,
      action,
      actorId,
      subjectId: recordingId,
      at: { gte: new Date(Date.now() - LISTEN_WINDOW_MS) },
    },
    select: { id: true },
  });
  if (!recent)
    await recordAudit(prisma, {
      actor: who.actor,
      action,
      clinicId: who.clinicId,
      subject: { type: 'recording', id: recordingId },
    });
}

/** Sets or lifts a legal hold (owners): a held recording, and its call, outlive the retention period. */
export async function setLegalHold(
  prisma: Prisma,
  who: Listener,
  recordingId: string,
  hold: { reason: string } | null,
  now: Date,
) {
  return prisma.$transaction(async (tx) => {
    const found = await tx.recording.findFirst({
      where: { id: recordingId, clinicId: who.clinicId },
      select: { id: true },
    });
    if (!found) throw new NotFound('No such recording');
    const updated = await tx.recording.update({
      where: { id: recordingId },
      data: hold
        ? {
            legalHold: true,
            holdReason: hold.reason,
            heldBy: who.actor.type === 'user' ? who.actor.userId : null,
            heldAt: now,
          }
        : { legalHold: false, holdReason: null, heldBy: null, heldAt: null },
      select: { id: true, legalHold: true, holdReason: true, heldAt: true },
    });
    // The reason is the owner's own words and may name people: the audit says that, not what.
    await recordAudit(tx, {
      actor: who.actor,
      action: hold ? 'recording.hold_set' : 'recording.hold_lifted',
      clinicId: who.clinicId,
      subject: { type: 'recording', id: recordingId },
    });
    return updated;
  });
}
