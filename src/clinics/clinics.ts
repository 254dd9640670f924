import { type Actor, recordAudit } from '../core/audit.js';
import type { Prisma } from '../db/database.js';
import type { Prisma as PrismaTypes } from '../generated/prisma/client.js';
import { Conflict } from '../core/errors.js';

export interface ClinicInput {
  name: string;
  numbers: string[];
  timeZone: string;
  locale?: string;
  fallbackNumber?: string | null;
}

const clinicView = {
  id: true,
  name: true,
  timeZone: true,
  locale: true,
  fallbackNumber: true,
  emergencyMessage: true,
  greeting: true,
  receptionNumber: true,
  recordCalls: true,
  recordingNotice: true,
  urgentPhrases: true,
  emergencyAdvice: true,
  emergencyAdviceApprovedAt: true,
  maxQueueWaitSeconds: true,
  maxQueueSize: true,
  odsCode: true,
  queueCallBackAfterSeconds: true,
  callBackAttempts: true,
  callBackRetryMinutes: true,
  callBackWindows: true,
  textMessages: true,
  recordingRetentionDays: true,
  voicemailRetentionDays: true,
  callLogRetentionDays: true,
  auditRetentionDays: true,
  receptionistsHearRecordings: true,
  transcribeVoicemails: true,
  createdAt: true,
  numbers: { select: { e164: true }, orderBy: { e164: 'asc' } },
} as const;

type ClinicRow = PrismaTypes.ClinicGetPayload<{ select: typeof clinicView }>;
export type ClinicView = Omit<ClinicRow, 'numbers'> & { numbers: string[] };

const toView = ({ numbers, ...clinic }: ClinicRow): ClinicView => ({ ...clinic, numbers: numbers.map((n) => n.e164) });

/** Creates a clinic with its numbers; a number another clinic has is refused and nothing is written. */
export async function createClinic(prisma: Prisma, input: ClinicInput, actor: Actor): Promise<ClinicView> {
  return prisma.$transaction(async (tx) => {
    const taken = await tx.clinicNumber.findFirst({ where: { e164: { in: input.numbers } }, select: { e164: true } });
    if (taken) throw new Conflict('number_taken', `${taken.e164} already belongs to another clinic`, 'number');
    const clinic = await tx.clinic.create({
      data: {
        name: input.name,
        timeZone: input.timeZone,
        locale: input.locale,
        fallbackNumber: input.fallbackNumber ?? null,
        numbers: { create: input.numbers.map((e164) => ({ e164 })) },
      },
      select: clinicView,
    });
    await recordAudit(tx, {
      actor,
      action: 'clinic.created',
      clinicId: clinic.id,
      subject: { type: 'clinic', id: clinic.id },
    });
    return toView(clinic);
  });
}

export async function listClinics(prisma: Prisma): Promise<ClinicView[]> {
  return (await prisma.clinic.findMany({ select: clinicView, orderBy: { createdAt: 'asc' } })).map(toView);
}

/** The clinic one of whose numbers this is, or null. */
export async function clinicOfNumber(prisma: Prisma, e164: string): Promise<string | null> {
  const number = await prisma.clinicNumber.findUnique({ where: { e164 }, select: { clinicId: true } });
  return number?.clinicId ?? null;
}

export async function getClinic(prisma: Prisma, clinicId: string): Promise<ClinicView | null> {
  const clinic = await prisma.clinic.findUnique({ where: { id: clinicId }, select: clinicView });
  return clinic ? toView(clinic) : null;
}

export type ClinicSettings = Partial<
  Pick<ClinicInput, 'name' | 'timeZone' | 'locale' | 'fallbackNumber'> & {
    emergencyMessage: string | null;
    greeting: string | null;
    receptionNumber: string | null;
    recordCalls: boolean;
    recordingNotice: string | null;
    urgentPhrases: string | null;
    emergencyAdvice: string | null;
    /** The owner approves the urgent phrases and the advice as they stand. */
    emergencyAdviceApproved: true;
    maxQueueWaitSeconds: number;
    maxQueueSize: number;
    odsCode: string | null;
    queueCallBackAfterSeconds: number | null;
    callBackAttempts: number;
    callBackRetryMinutes: number;
    callBackWindows: boolean;
    textMessages: boolean;
    recordingRetentionDays: number;
    voicemailRetentionDays: number;
    callLogRetentionDays: number;
    auditRetentionDays: number;
    receptionistsHearRecordings: boolean;
    transcribeVoicemails: boolean;
  }
>;

/** Changes a clinic's settings; the audit entry names the fields changed, never their values. */
export async function updateClinicSettings(
  prisma: Prisma,
  clinicId: string,
  { emergencyAdviceApproved, ...sent }: ClinicSettings,
  actor: Actor,
  now: Date,
): Promise<ClinicView> {
  // Changing the urgent phrases or the advice (or the country, whose default advice it
  // may be) asks for approval again; approving stamps the time.
  const changes = {
    ...sent,
    ...('urgentPhrases' in sent || 'emergencyAdvice' in sent || 'locale' in sent
      ? { emergencyAdviceApprovedAt: null }
      : {}),
    ...(emergencyAdviceApproved ? { emergencyAdviceApprovedAt: now } : {}),
  };
  return prisma.$transaction(async (tx) => {
    const clinic = await tx.clinic.update({ where: { id: clinicId }, data: changes, select: clinicView });
    await recordAudit(tx, {
      actor,
      action: 'clinic.settings_changed',
      clinicId,
      subject: { type: 'clinic', id: clinicId },
      details: { fields: Object.keys(changes).sort() },
    });
    return toView(clinic);
  });
}
