// The call record, built idempotently from Twilio's requests: the same CallSid or
// callback twice changes nothing the second time, and callbacks may come in any order.
import type { ClinicForCall } from '../voice/call-step.js';
import type { ClinicWordsKey } from './clinic-words.js';
import { uuid7 } from '../db/uuid7.js';
import { z } from 'zod';
import { fileCallRecording } from '../recordings/pipeline.js';
import type { Prisma } from '../db/database.js';
import type { CallerMatch } from '../core/events.js';
import type { Services } from '../core/services.js';
import { announceFollowUp, followUpEndedCall } from '../reception/call-backs.js';
import { forgetWhatTheCallerSaid } from '../calls/call-state.js';

export type CallDeps = Pick<Services, 'db' | 'events' | 'clock'>;

const twilioDate = z
  .string()
  .optional()
  .transform((t) => (t && !Number.isNaN(Date.parse(t)) ? new Date(t) : undefined));

// Twilio adds parameters without notice: unknown keys pass.
export const incomingCallSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  From: z.string().default('anonymous'),
  To: z.string(),
  Direction: z.string().default('inbound'),
  CallStatus: z.string().default('ringing'),
});

export const statusCallbackSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  CallStatus: z.enum([
    'queued',
    'initiated',
    'ringing',
    'in-progress',
    'completed',
    'busy',
    'failed',
    'no-answer',
    'canceled',
  ]),
  From: z.string().optional(),
  To: z.string().optional(),
  Direction: z.string().optional(),
  CallDuration: z.coerce.number().int().min(0).optional(),
  SequenceNumber: z.coerce.number().int().min(0).optional(),
  Timestamp: twilioDate,
});

/** Call statuses after which nothing more happens on the call. */
export const TERMINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
// Without a SequenceNumber (the number's own status callback sends only the end), order by how calls progress.
const PROGRESS: Record<string, number> = { queued: 0, initiated: 1, ringing: 2, 'in-progress': 3 };
const orderOf = (status: string, sequence?: number) => sequence ?? PROGRESS[status] ?? 1_000;

export interface AnsweredCall {
  callId: string;
  created: boolean;
  ivrState: unknown;
  clinic: ClinicForCall & ClinicWordsKey;
  callers: CallerMatch[];
}

/** The first webhook's statement (exported for the voice benchmark's raw-pg baseline, which runs the same). */
export const ANSWER_CALL = {
  name: 'answer-call',
  text: `WITH clinic AS (
    SELECT c."id"::text AS "id", c."name", c."timeZone", c."locale", c."emergencyMessage", c."greeting", c."receptionNumber", c."fallbackNumber", c."recordCalls", c."recordingNotice", c."emergencyAdvice",
      c."wordsVersion"::text AS "wordsVersion", c."urgentPhrases"
    FROM "ClinicNumber" n JOIN "Clinic" c ON c."id" = n."clinicId" WHERE n."e164" = $1
  ), inserted AS (
    INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt")
    SELECT $2::uuid, $3, clinic."id"::uuid, $4, $1, $5, $6, $7::timestamp FROM clinic
    ON CONFLICT ("callSid") DO NOTHING
    RETURNING "id"
  )
  SELECT clinic.*, (SELECT "id"::text FROM inserted) AS "insertedId", existing."id"::text AS "existingId", existing."ivrState",
    COALESCE((
      SELECT json_agg(json_build_object(
        'patientId', p."id", 'name', p."name", 'practitionerName', pr."name",
        'startsAt', to_char(a."startsAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      ) ORDER BY p."name", p."id")
      FROM "Patient" p
      LEFT JOIN LATERAL (
        SELECT "startsAt", "practitionerId" FROM "Appointment"
        WHERE "patientId" = p."id" AND "status" = 'booked' AND "startsAt" >= $7::timestamp
        ORDER BY "startsAt" LIMIT 1
      ) a ON true
      LEFT JOIN "Practitioner" pr ON pr."id" = a."practitionerId"
      WHERE p."clinicId" = clinic."id"::uuid AND p."phone" = $4
    ), '[]'::json) AS "callers"
  FROM clinic LEFT JOIN "Call" existing ON existing."callSid" = $3`,
};

/**
 * A call's first webhook, the hottest path of the service, in one round trip: finds
 * the clinic by the dialled number, records the call once per CallSid, and names the
 * clinic's patients on the caller's number (a family may share one), each with their
 * next appointment. Plain SQL: Prisma's per-query cost was most of this request's.
 * Null for a number no clinic has.
 */
export async function answerCall(
  deps: CallDeps,
  params: z.infer<typeof incomingCallSchema>,
): Promise<AnsweredCall | null> {
  const now = deps.clock();
  const rows = await deps.db.sql<
    ClinicForCall &
      ClinicWordsKey & { insertedId: string | null; existingId: string | null; ivrState: unknown; callers: CallerRow[] }
  >(ANSWER_CALL, [
    params.To,
    uuid7(now.getTime()),
    params.CallSid,
    params.From,
    params.Direction,
    params.CallStatus,
    now,
  ]);
  const row = rows[0];
  if (!row) return null;
  const { insertedId, existingId, ivrState, callers: callerRows, ...clinic } = row;
  const callId = insertedId ?? existingId!;
  const callers: CallerMatch[] = callerRows.map((r) => ({
    patientId: r.patientId,
    name: r.name,
    nextAppointment:
      r.startsAt && r.practitionerName ? { startsAt: r.startsAt, practitionerName: r.practitionerName } : null,
  }));
  if (insertedId)
    deps.events.publish(
      'call.ringing',
      clinic.id,
      { callId, callSid: params.CallSid, from: params.From, callers },
      now,
    );
  return { callId, created: insertedId !== null, ivrState: insertedId ? null : ivrState, clinic, callers };
}

type CallerRow = { patientId: string; name: string; startsAt: string | null; practitionerName: string | null };

/**
 * Applies a status callback. A repeat is ignored; an older one never overwrites a
 * newer state; the end is recorded, followed up, and `call.ended` published, exactly once.
 */
export async function applyStatusCallback(deps: CallDeps, params: z.infer<typeof statusCallbackSchema>): Promise<void> {
  const now = deps.clock();
  const at = params.Timestamp ?? now;
  const ended = await deps.db.prisma.$transaction(async (tx) => {
    const call =
      (await tx.call.findUnique({ where: { callSid: params.CallSid } })) ?? (await callWeNeverAnswered(tx, params, at));
    if (!call) return null; // another application's call: nothing to complete
    const fresh = await tx.callEvent.createMany({
      data: [
        {
          callId: call.id,
          at,
          kind: `status:${params.CallStatus}`,
          dedupeKey: `${params.CallSid}:status:${params.SequenceNumber ?? params.CallStatus}`,
          data: { duration: params.CallDuration ?? null },
        },
      ],
      skipDuplicates: true,
    });
    if (fresh.count === 0) return null;
    const order = orderOf(params.CallStatus, params.SequenceNumber);
    if (call.lastSequenceNumber === null || order >= call.lastSequenceNumber) {
      await tx.call.updateMany({
        where: { id: call.id, OR: [{ lastSequenceNumber: null }, { lastSequenceNumber: { lte: order } }] },
        data: { status: params.CallStatus, lastSequenceNumber: order },
      });
    }
    if (params.CallStatus === 'in-progress')
      await tx.call.updateMany({ where: { id: call.id, answeredAt: null }, data: { answeredAt: at } });
    if (!TERMINAL.has(params.CallStatus)) return null;
    const closed = await tx.call.updateMany({
      where: { id: call.id, endedAt: null },
      data: { endedAt: at, durationSeconds: params.CallDuration ?? null },
    });
    if (closed.count === 0) return null;
    // Only where nothing else has said what happened (read again now, not from before the row was locked).
    if (params.CallStatus !== 'completed')
      await tx.call.updateMany({ where: { id: call.id, outcome: null }, data: { outcome: 'failed' } });
    await forgetWhatTheCallerSaid(tx, call.id);
    const row = await tx.call.findUniqueOrThrow({ where: { id: call.id } });
    // The end decides whether a caller who wanted someone is followed up, in the same
    // transaction (the queue's or the recording's own requests may come too, or not at all).
    const { outcome, followed } = await followUpEndedCall(tx, row, now);
    return { ...row, outcome, followed };
  });
  if (ended) announceFollowUp(deps, ended.followed, now);
  if (ended) {
    deps.events.publish(
      'call.ended',
      ended.clinicId,
      {
        callId: ended.id,
        callSid: ended.callSid,
        status: ended.status,
        durationSeconds: ended.durationSeconds,
        outcome: ended.outcome,
      },
      now,
    );
  }
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/**
 * A call to one of our clinics' numbers whose first webhook never reached this
 * service (it was down or restarting, and Twilio played the fallback URL's apology):
 * it is logged from its status callback, as failed, so the clinic still sees that
 * the patient called. Twilio sends every call's status to the number's status URL.
 */
async function callWeNeverAnswered(tx: Tx, params: z.infer<typeof statusCallbackSchema>, at: Date) {
  if (!params.To || (params.Direction ?? 'inbound') !== 'inbound') return null;
  const number = await tx.clinicNumber.findUnique({ where: { e164: params.To }, select: { clinicId: true } });
  if (!number) return null;
  const startedAt = new Date(at.getTime() - (params.CallDuration ?? 0) * 1000);
  await tx.call.createMany({
    data: [
      {
        id: uuid7(startedAt.getTime()),
        callSid: params.CallSid,
        clinicId: number.clinicId,
        fromNumber: params.From ?? 'anonymous',
        toNumber: params.To,
        direction: 'inbound',
        status: params.CallStatus,
        startedAt,
        outcome: 'failed',
      },
    ],
    skipDuplicates: true,
  });
  return tx.call.findUnique({ where: { callSid: params.CallSid } });
}

export const recordingCallbackSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/),
  RecordingStatus: z.enum(['in-progress', 'completed', 'absent', 'failed']),
  RecordingDuration: z.coerce.number().int().min(0).optional(),
  RecordingStartTime: twilioDate,
});

/**
 * A <Record>'s transcribeCallback: Twilio's usual call parameters (the call has ended by
 * then) and the transcription's. The text is absent, or says nothing, when it failed.
 */
export const transcriptionCallbackSchema = z.looseObject({
  CallSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/),
  TranscriptionSid: z.string().regex(/^TR[0-9a-fA-F]{32}$/),
  TranscriptionStatus: z.enum(['completed', 'failed']),
  TranscriptionText: z.string().max(20_000).optional(),
});

/** A whole-call recording's callback: on the call's timeline once, and its final state filed for the recordings pipeline. */
export async function applyRecordingCallback(
  deps: CallDeps,
  params: z.infer<typeof recordingCallbackSchema>,
): Promise<void> {
  const call = await deps.db.prisma.call.findUnique({ where: { callSid: params.CallSid }, select: { id: true } });
  if (!call) return;
  await deps.db.prisma.callEvent.createMany({
    data: [
      {
        callId: call.id,
        at: deps.clock(),
        kind: `recording:${params.RecordingStatus}`,
        dedupeKey: `${params.CallSid}:recording:${params.RecordingSid}:${params.RecordingStatus}`,
        data: { recordingSid: params.RecordingSid },
      },
    ],
    skipDuplicates: true,
  });
  if (params.RecordingStatus === 'in-progress') return;
  await fileCallRecording(
    deps.db.prisma,
    {
      callSid: params.CallSid,
      recordingSid: params.RecordingSid,
      status: params.RecordingStatus,
      durationSeconds: params.RecordingDuration,
    },
    deps.clock(),
  );
}
