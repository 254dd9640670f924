// The clinic's own rights: all of its data in machine-readable form, and closing
// the clinic — everything erased, recordings at Twilio included, and its data key
// destroyed so that any copy left behind (a backup) cannot be decrypted.
import { strToU8, zipSync } from 'fflate';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { Prisma } from '../db/database.js';
import { HttpError } from '../http/errors.js';
import { enqueueJob } from '../jobs/runner.js';
import { signOutThoseLeftWithoutAClinic } from '../accounts/staff.js';
import type { RecordingStorage } from '../recordings/storage.js';
import { toCsv } from '../csv.js';

type Row = Record<string, unknown>;

/** Every table's rows that belong to the clinic (secrets and audio bytes left out). */
export async function clinicTables(prisma: Prisma, clinicId: string): Promise<Record<string, Row[]>> {
  const byClinic = { where: { clinicId } };
  const [clinic, numbers, members, invitations, practitioners, workingHours, types, typePractitioners, openingHours, closures, patients, appointments, waitlist, offers, feeds, calls, events, recordings, callBacks, stats, texts, audit] = await Promise.all([
    prisma.clinic.findMany({ where: { id: clinicId } }),
    prisma.clinicNumber.findMany(byClinic),
    prisma.membership.findMany({ ...byClinic, select: { userId: true, role: true, createdAt: true, user: { select: { email: true } } } }),
    prisma.invitation.findMany({ ...byClinic, omit: { tokenHash: true } }),
    prisma.practitioner.findMany(byClinic),
    prisma.workingHours.findMany({ where: { practitioner: { clinicId } } }),
    prisma.appointmentType.findMany(byClinic),
    prisma.appointmentTypePractitioner.findMany({ where: { type: { clinicId } } }),
    prisma.openingHours.findMany(byClinic),
    prisma.closure.findMany(byClinic),
    prisma.patient.findMany(byClinic),
    prisma.appointment.findMany(byClinic),
    prisma.waitlistEntry.findMany(byClinic),
    prisma.waitlistOffer.findMany(byClinic),
    prisma.calendarFeed.findMany({ ...byClinic, select: { id: true, practitionerId: true, showFullNames: true, version: true } }),
    prisma.call.findMany(byClinic),
    prisma.callEvent.findMany({ where: { call: { clinicId } } }),
    prisma.recording.findMany(byClinic),
    prisma.callBack.findMany(byClinic),
    prisma.callStatsDay.findMany(byClinic),
    prisma.textMessage.findMany(byClinic),
    prisma.auditEntry.findMany(byClinic),
  ]);
  return {
    clinic, numbers, staff: members.map(({ user, ...m }) => ({ ...m, email: user.email })), invitations, practitioners, workingHours, appointmentTypes: types, appointmentTypePractitioners: typePractitioners,
    openingHours, closures, patients, appointments, waitlist, waitlistOffers: offers, calendarFeeds: feeds, calls, callEvents: events, recordings, callBacks, callStatistics: stats, textMessages: texts, auditLog: audit,
  };
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
/** JSON for exports: audit ids are bigints, written as strings. */
export const exportJson = (data: unknown) => JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** The clinic's data as a zip: clinic.json with every table, and one CSV per table. */
export async function clinicExportZip(prisma: Prisma, clinicId: string, now: Date): Promise<Buffer> {
  const tables = await clinicTables(prisma, clinicId);
  const files: Record<string, Uint8Array> = { 'clinic.json': strToU8(exportJson({ exportedAt: now, ...tables })) };
  for (const [name, rows] of Object.entries(tables)) {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    files[`csv/${name}.csv`] = strToU8(toCsv(rows.map((r) => columns.map((c) => cell(r[c]))), columns));
  }
  return Buffer.from(zipSync(files));
}

/**
 * Closes the clinic: its audio is deleted, Twilio's copies are queued for deletion
 * (jobs keyed only by Twilio's ids, retried until gone), and every row of it is
 * erased — its data key and audit log included. The operator's trail keeps one
 * entry: who closed which clinic id, when, and whether held recordings went too.
 * Recordings under a legal hold stop the closure (as they stop a patient's erasure)
 * unless the owner says, explicitly, that they are to be destroyed as well.
 */
export async function closeClinic(
  deps: { prisma: Prisma; storage: RecordingStorage },
  clinicId: string,
  confirm: { confirmName: string; destroyHeldRecordings?: boolean },
  actor: Actor,
): Promise<{ numbers: string[]; members: string[]; signedOut: string[] }> {
  const { prisma } = deps;
  const clinic = await prisma.clinic.findUnique({ where: { id: clinicId }, include: { numbers: true, memberships: { select: { userId: true } } } });
  if (!clinic) throw new HttpError(404, 'not_found', 'No such clinic');
  if (confirm.confirmName.trim() !== clinic.name.trim()) throw new HttpError(400, 'invalid_input', "confirmName: type the clinic's name exactly as shown to confirm", 'confirmName');
  const held = await prisma.recording.count({ where: { clinicId, legalHold: true } });
  if (held > 0 && confirm.destroyHeldRecordings !== true) {
    throw new HttpError(409, 'legal_hold', `${held} ${held === 1 ? 'recording is' : 'recordings are'} on legal hold. Lift the holds first, or confirm that they are to be destroyed with everything else.`, 'destroyHeldRecordings');
  }
  const recordings = await prisma.recording.findMany({ where: { clinicId }, select: { id: true, recordingSid: true, deletedAtTwilio: true } });
  for (const r of recordings) await deps.storage.delete(r.id);
  const members = clinic.memberships.map((m) => m.userId);
  const signedOut = await prisma.$transaction(async (tx) => {
    for (const r of recordings.filter((r) => !r.deletedAtTwilio)) {
      await enqueueJob(tx, 'recording.delete-at-twilio', { recordingSid: r.recordingSid }, { dedupeKey: `recording.delete-at-twilio:${r.recordingSid}` });
    }
    await tx.clinicKey.deleteMany({ where: { clinicId } });
    await tx.$executeRawUnsafe(`SET LOCAL clinic.audit_purge = 'on'`);
    await tx.auditEntry.deleteMany({ where: { clinicId } });
    await tx.clinic.delete({ where: { id: clinicId } }); // everything else of it goes with it (foreign keys cascade)
    await recordAudit(tx, { actor, action: 'clinic.closed', clinicId: null, subject: { type: 'clinic', id: clinicId }, details: { recordings: recordings.length, heldRecordingsDestroyed: held } });
    // Its staff with no other clinic have nothing left to sign in to.
    return signOutThoseLeftWithoutAClinic(tx, members);
  });
  return { numbers: clinic.numbers.map((n) => n.e164), members, signedOut };
}
