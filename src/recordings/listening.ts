// Hearing a recording: who may, the decrypted audio (and a voicemail's transcript),
// and an audit entry for each listen, download or reading. Everything is decrypted on
// the server; keys never leave it.
import { type Actor, recordAudit } from '../core/audit.js';
import type { Prisma } from '../db/database.js';
import { open } from './crypto.js';
import { clinicDataKey } from './keys.js';
import type { RecordingStorage } from './storage.js';
import { openTranscript } from './transcripts.js';
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

/** The recording as this listener may have it: 404 for another clinic's, 403 when not theirs to hear. */
async function recordingFor(prisma: Prisma, who: Listener, recordingId: string) {
  const recording = await prisma.recording.findFirst({
    where: { id: recordingId, clinicId: who.clinicId },
    include: { clinic: { select: { receptionistsHearRecordings: true } } },
  });
  if (!recording) throw new NotFound('No such recording');
  if (!mayHear(recording.kind, who.role, recording.clinic.receptionistsHearRecordings))
    throw new NotAllowed(
      'forbidden',
      "Call recordings are for the clinic's owners; an owner can let receptionists hear them in Settings.",
    );
  return recording;
}

/** The recording's audio for this listener; 404 for another clinic's, 403 when not theirs to hear, 409 while not stored. */
export async function recordingAudio(
  deps: { prisma: Prisma; storage: RecordingStorage; masterKey: Buffer },
  who: Listener,
  recordingId: string,
): Promise<{ audio: Buffer; kind: string; createdAt: Date }> {
  const recording = await recordingFor(deps.prisma, who, recordingId);
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

/**
 * A voicemail's transcript for this listener (who may hear the voicemail may read it):
 * its status, and the text once Twilio's is in — reading that is audited, as a listen
 * is. 404 for another clinic's recording, 403 when not theirs to hear.
 */
export async function recordingTranscript(
  deps: { prisma: Prisma; masterKey: Buffer },
  who: Listener,
  recordingId: string,
): Promise<{ status: string | null; text: string | null; durationSeconds: number | null }> {
  const recording = await recordingFor(deps.prisma, who, recordingId);
  const { transcriptStatus: status, transcript, durationSeconds } = recording;
  if (!transcript) return { status, text: null, durationSeconds };
  const key = await clinicDataKey(deps.prisma, deps.masterKey, recording.clinicId);
  const text = openTranscript(key, transcript, recording.id);
  await auditListening(deps.prisma, who, recording.id, 'recording.transcript_read');
  return { status, text, durationSeconds };
}

/** A player asks again for each seek; requests within this long of an audited one are the same listen. */
export const LISTEN_WINDOW_MS = 30 * 60_000;

/**
 * Audits a listen, download or reading of the transcript: every request counts,
 * whatever part of the audio it asks for, unless the same person's same kind of access
 * to this recording was audited within the window (a screen shown again, a player's
 * seek). (Auditing only requests from byte 0 once let `Range: bytes=1-` hear everything
 * unrecorded.) Entries carry the database's time, so the window is measured on the real clock.
 */
export async function auditListening(
  prisma: Prisma,
  who: Listener,
  recordingId: string,
  action: 'recording.listened' | 'recording.downloaded' | 'recording.transcript_read',
): Promise<void> {
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
