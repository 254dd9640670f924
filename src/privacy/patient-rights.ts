// A patient's rights over what the clinic holds about them: everything in one
// export (with the audio when asked), and erasure — their profile, appointments,
// the personal data in their calls, their voicemails (with their transcripts) and
// recordings here and at Twilio — done within the request. The audit keeps only pseudonymous ids.
import { strToU8, zipSync } from 'fflate';
import { type Actor, recordAudit } from '../core/audit.js';
import type { Services } from '../core/services.js';
import type { Prisma } from '../db/database.js';
import { Prisma as PrismaValues } from '../generated/prisma/client.js';
import { open } from '../recordings/crypto.js';
import { clinicDataKey } from '../recordings/keys.js';
import type { RecordingStorage } from '../recordings/storage.js';
import { openTranscript } from '../recordings/transcripts.js';
import { queueDeletionsAtTwilio } from '../recordings/twilio-copies.js';
import { NotFound, InvalidInput, Conflict } from '../core/errors.js';
import { callsWithNumbers, numbersOf, otherParty } from '../diary/patients.js';

export interface RightsDeps extends Pick<Services, 'db' | 'clock' | 'config'> {
  recordings: RecordingStorage;
}

async function patientOf(prisma: Prisma, clinicId: string, patientId: string) {
  const patient = await prisma.patient.findFirst({ where: { id: patientId, clinicId } });
  if (!patient) throw new NotFound('No such patient');
  return patient;
}

/**
 * The calls on the patient's numbers: those from them, and the clinic's calls back to
 * them. A number another patient of the clinic also has (a family phone) is the
 * household's: its calls, texts and call-backs stay when this patient is erased (the
 * export still lists them); `own` are the numbers that are theirs alone.
 */
async function callsOf(
  prisma: Prisma,
  clinicId: string,
  patient: { id: string; phone: string | null; otherPhones: string[] },
) {
  const numbers = numbersOf(patient);
  if (numbers.length === 0) return { calls: [], shared: false, own: [] as string[], ownCalls: [] };
  const others = await prisma.patient.findMany({
    where: {
      clinicId,
      id: { not: patient.id },
      OR: [{ phone: { in: numbers } }, { otherPhones: { hasSome: numbers } }],
    },
    select: { phone: true, otherPhones: true },
  });
  const sharedNumbers = new Set(others.flatMap((o) => numbersOf(o)));
  const own = numbers.filter((n) => !sharedNumbers.has(n));
  const calls = await prisma.call.findMany({
    where: { clinicId, ...callsWithNumbers(numbers) },
    include: {
      events: { select: { at: true, kind: true, data: true }, orderBy: { at: 'asc' } },
      recordings: {
        select: {
          id: true,
          kind: true,
          status: true,
          durationSeconds: true,
          createdAt: true,
          legalHold: true,
          recordingSid: true,
          deletedAtTwilio: true,
          transcriptStatus: true,
          transcriptionSid: true,
          transcriptionDeletedAtTwilio: true,
          transcript: true,
        },
      },
      callBack: { select: { reason: true, createdAt: true, doneAt: true } },
    },
    orderBy: { startedAt: 'asc' },
  });
  const ownCalls = calls.filter((c) => own.includes(otherParty(c)));
  return { calls, shared: sharedNumbers.size > 0, own, ownCalls };
}

/** Everything held about the patient, as one machine-readable document (voicemails' transcripts decrypted). */
export async function patientExport(deps: Keyed, clinicId: string, patientId: string, now: Date) {
  const { prisma } = deps;
  const patient = await patientOf(prisma, clinicId, patientId);
  const [appointments, waitlist, { calls, shared }, texts, callBacks] = await Promise.all([
    prisma.appointment.findMany({
      where: { clinicId, patientId },
      include: { type: { select: { name: true } }, practitioner: { select: { name: true } } },
      orderBy: { startsAt: 'asc' },
    }),
    prisma.waitlistEntry.findMany({
      where: { clinicId, patientId },
      include: { offers: true },
      orderBy: { createdAt: 'asc' },
    }),
    callsOf(prisma, clinicId, patient),
    prisma.textMessage.findMany({
      where: { clinicId, toNumber: { in: numbersOf(patient) } },
      orderBy: { createdAt: 'asc' },
    }),
    // The call-back list's entries on their numbers (called from one, or to be rung on one), with every try.
    numbersOf(patient).length
      ? prisma.callBack.findMany({
          where: {
            clinicId,
            OR: [{ fromNumber: { in: numbersOf(patient) } }, { ringNumber: { in: numbersOf(patient) } }],
          },
          select: {
            id: true,
            reason: true,
            fromNumber: true,
            createdAt: true,
            doneAt: true,
            closedBecause: true,
            requestedInQueue: true,
            joinedQueueAt: true,
            ringNumber: true,
            ringState: true,
            notBefore: true,
            attemptsMade: true,
            attempts: { select: { startedAt: true, endedAt: true, result: true }, orderBy: { startedAt: 'asc' } },
          },
          orderBy: { createdAt: 'asc' },
        })
      : Promise.resolve([]),
  ]);
  const key = calls.some((c) => c.recordings.some((r) => r.transcript))
    ? await clinicDataKey(prisma, deps.masterKey, clinicId)
    : null;
  const recordings = calls.flatMap((c) =>
    c.recordings.map(
      ({
        recordingSid: _sid,
        deletedAtTwilio: _d,
        transcriptionSid: _t,
        transcriptionDeletedAtTwilio: _td,
        transcriptStatus,
        transcript,
        ...r
      }) => ({
        ...r,
        callId: c.id,
        // What the patient said in their message, as Twilio transcribed it.
        transcript:
          transcriptStatus === null
            ? null
            : { status: transcriptStatus, text: transcript ? openTranscript(key!, transcript, r.id) : null },
      }),
    ),
  );
  const subjects = [
    patient.id,
    ...appointments.map((a) => a.id),
    ...recordings.map((r) => r.id),
    ...calls.map((c) => c.id),
  ];
  const access = await prisma.auditEntry.findMany({
    where: { clinicId, subjectId: { in: subjects } },
    orderBy: { at: 'asc' },
    select: { at: true, actorType: true, actorId: true, action: true, subjectType: true, subjectId: true },
  });
  return {
    exportedAt: now,
    patient,
    appointments,
    waitlist,
    phoneSharedWithOtherPatients: shared,
    calls: calls.map(({ recordings: _r, ivrState: _state, ...c }) => c),
    recordings,
    callBacks,
    textMessages: texts,
    accessLog: access,
  };
}

type Owner = { clinicId: string; actor: Actor };
/** The database and RECORDINGS_KEY, which unwraps the clinic's key for the transcripts. */
type Keyed = { prisma: Prisma; masterKey: Buffer };

const auditExport = (prisma: Prisma, who: Owner, patientId: string, audio: boolean) =>
  recordAudit(prisma, {
    actor: who.actor,
    action: 'patient.exported',
    clinicId: who.clinicId,
    subject: { type: 'patient', id: patientId },
    details: { audio },
  });

/** Everything held about the patient, for the owner answering their request; the export is audited. */
export async function exportPatient(deps: Keyed, who: Owner, patientId: string, now: Date) {
  const data = await patientExport(deps, who.clinicId, patientId, now);
  await auditExport(deps.prisma, who, patientId, false);
  return data;
}

/** The export with each stored recording's audio, decrypted, as a zip; audited. */
export async function exportPatientWithAudio(deps: RightsDeps, who: Owner, patientId: string): Promise<Buffer> {
  const { clinicId } = who;
  const data = await patientExport(
    { prisma: deps.db.prisma, masterKey: deps.config.recordingsKey },
    clinicId,
    patientId,
    deps.clock(),
  );
  const files: Record<string, Uint8Array> = { 'patient.json': strToU8(JSON.stringify(data, null, 2)) };
  const key = await clinicDataKey(deps.db.prisma, deps.config.recordingsKey, clinicId);
  for (const r of data.recordings.filter((r) => r.status === 'stored')) {
    const sealed = await deps.recordings.get(r.id);
    if (sealed)
      files[`recordings/${r.kind}-${r.createdAt.toISOString().slice(0, 10)}-${r.id}.mp3`] = open(key, sealed, r.id);
  }
  const zip = Buffer.from(zipSync(files, { level: 0 })); // audio is compressed already
  await auditExport(deps.db.prisma, who, patientId, true);
  return zip;
}

export interface ErasurePreview {
  patientId: string;
  name: string;
  appointments: number;
  waitlistEntries: number;
  calls: number;
  recordings: number;
  textMessages: number;
  heldRecordings: number;
  phoneSharedWithOtherPatients: boolean;
}

/** What erasing would remove: shown before the owner confirms. */
export async function erasurePreview(prisma: Prisma, clinicId: string, patientId: string): Promise<ErasurePreview> {
  const patient = await patientOf(prisma, clinicId, patientId);
  const { ownCalls: ours, shared, own } = await callsOf(prisma, clinicId, patient);
  return {
    patientId,
    name: patient.name,
    appointments: await prisma.appointment.count({ where: { clinicId, patientId } }),
    waitlistEntries: await prisma.waitlistEntry.count({ where: { clinicId, patientId } }),
    calls: ours.length,
    recordings: ours.reduce((n, c) => n + c.recordings.filter((r) => !r.legalHold).length, 0),
    textMessages: own.length ? await prisma.textMessage.count({ where: { clinicId, toNumber: { in: own } } }) : 0,
    heldRecordings: ours.reduce((n, c) => n + c.recordings.filter((r) => r.legalHold).length, 0),
    phoneSharedWithOtherPatients: shared,
  };
}

/**
 * Erases the patient. The owner confirms by typing the patient's name. A recording
 * under legal hold blocks erasure (409) until the hold is lifted: the law that made
 * the hold outranks the request, and the owner must decide.
 */
export async function erasePatient(
  deps: RightsDeps,
  who: { clinicId: string; actor: Actor },
  patientId: string,
  confirmName: string,
): Promise<ErasurePreview> {
  const { prisma } = deps.db;
  const preview = await erasurePreview(prisma, who.clinicId, patientId);
  if (confirmName.trim() !== preview.name.trim())
    throw new InvalidInput(
      "Type the patient's name to confirm: it must be the patient's name exactly as shown",
      'confirmName',
    );
  if (preview.heldRecordings > 0)
    throw new Conflict(
      'legal_hold',
      `${preview.heldRecordings} of this patient's recordings are on legal hold; lift the hold before erasing`,
    );
  const patient = await patientOf(prisma, who.clinicId, patientId);
  const { ownCalls: calls, own } = await callsOf(prisma, who.clinicId, patient);
  const recordings = calls.flatMap((c) => c.recordings);
  // The audio goes first: if the database step then failed, rows would point at nothing, never the reverse.
  for (const r of recordings) await deps.recordings.delete(r.id);
  await prisma.$transaction(async (tx) => {
    // Twilio's copies (recordings, transcriptions) are deleted by jobs, retried until gone, keyed by Twilio's ids alone.
    await queueDeletionsAtTwilio(tx, recordings);
    await tx.recording.deleteMany({ where: { id: { in: recordings.map((r) => r.id) } } });
    // A call-back asked to be rung on one of their numbers (from any phone) goes too.
    if (own.length) await tx.callBack.deleteMany({ where: { clinicId: who.clinicId, ringNumber: { in: own } } });
    // First, while the calls still show their numbers: the desk's notes on calls with any of
    // their numbers — a shared family phone's too, as a note may be about them — go; the
    // calls stay.
    const numbers = numbersOf(patient);
    if (numbers.length)
      await tx.call.updateMany({
        where: {
          clinicId: who.clinicId,
          note: { not: null },
          ...callsWithNumbers(numbers),
        },
        data: { note: null, notedBy: null, notedAt: null },
      });
    // Likewise the desk's notes on tries at ringing their numbers back.
    if (numbers.length)
      await tx.callBackAttempt.updateMany({
        where: {
          clinicId: who.clinicId,
          note: { not: null },
          callBack: { OR: [{ fromNumber: { in: numbers } }, { ringNumber: { in: numbers } }] },
        },
        data: { note: null },
      });
    if (calls.length > 0) {
      const ids = calls.map((c) => c.id);
      await tx.callBack.deleteMany({ where: { callId: { in: ids } } });
      // The call stays as a count in the statistics, with nothing that says whose it was.
      await tx.call.updateMany({
        where: { id: { in: ids }, direction: 'inbound' },
        data: { fromNumber: 'erased', ivrState: PrismaValues.DbNull },
      });
      await tx.call.updateMany({
        where: { id: { in: ids }, direction: { not: 'inbound' } },
        data: { toNumber: 'erased', ivrState: PrismaValues.DbNull },
      });
    }
    if (own.length) {
      // Texts and offers went to their numbers whether or not they ever rang in.
      await tx.textMessage.deleteMany({ where: { clinicId: who.clinicId, toNumber: { in: own } } });
      await tx.waitlistOffer.deleteMany({ where: { clinicId: who.clinicId, toNumber: { in: own } } });
    }
    // What a call's menu gathered about them (a name and date of birth keyed from another
    // phone, a family member's call) goes too, whoever's number the call came from.
    await tx.$executeRaw`UPDATE "Call" SET "ivrState" = NULL WHERE "clinicId" = ${who.clinicId}::uuid AND "ivrState" IS NOT NULL
      AND ("ivrState"->>'newPatientId' = ${patient.id} OR "ivrState"->>'verifiedPatientId' = ${patient.id} OR "ivrState"->>'newPatientName' = ${patient.name}
        OR "ivrState"->>'bookedAppointmentId' IN (SELECT "id"::text FROM "Appointment" WHERE "patientId" = ${patient.id}::uuid))`;
    // Whom they booked for keep their records, without the link or what they were to them.
    await tx.patient.updateMany({
      where: { guardianId: patient.id },
      data: { guardianId: null, guardianRelation: null },
    });
    await tx.patient.delete({ where: { id: patient.id } }); // appointments and waitlist entries go with it
    const { name: _name, patientId: _id, ...counts } = preview;
    await recordAudit(tx, {
      actor: who.actor,
      action: 'patient.erased',
      clinicId: who.clinicId,
      subject: { type: 'patient', id: patient.id },
      details: counts,
    });
  });
  return preview;
}
