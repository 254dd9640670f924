// What the phone line keeps about a call in Call.ivrState. Ids (the patient a caller
// proved to be, the appointment the call booked) stay with the call; what the caller
// said or keyed about themselves (a new patient's name, a date of birth, what they
// wished for) is needed only while the call lasts, and goes when it ends — or, should
// its end never reach us, at the next daily purge.
import { z } from 'zod';
import type { Prisma } from '../db/database.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What the caller asked for so far, across their answers (ids are the clinic's). */
export const wishSchema = z.object({
  typeId: z.uuid().optional(),
  practitionerIds: z.array(z.uuid()).optional(),
  forWhom: z.enum(['self', 'child', 'partner', 'parent', 'other']).optional(),
  day: z.object({ from: isoDate, to: isoDate }).optional(),
  partOfDay: z.enum(['morning', 'lunchtime', 'afternoon', 'evening']).optional(),
  time: z
    .object({ relation: z.enum(['at', 'after', 'before', 'around']), minutes: z.number().int().min(0).max(1440) })
    .optional(),
});
export type StoredWish = z.infer<typeof wishSchema>;

// Each field is read on its own: one that cannot be read is dropped, never the whole state
// (the ids in it guard against Twilio repeating a booking).
const text = z.string().optional().catch(undefined);
export const callStateSchema = z.object({
  /** What the caller came to do: book, or change (move, cancel, check) an appointment. */
  task: z.enum(['book', 'move', 'cancel', 'change', 'check']).optional().catch(undefined),
  wish: wishSchema.optional().catch(undefined),
  verifiedPatientId: text,
  verifiedDob: text,
  newPatientName: text,
  newPatientDob: text,
  newPatientId: text,
  bookedAppointmentId: text,
  /** Dates of birth given on this call that matched nobody: a spoofed caller ID gets three, not three a question. */
  dobFailures: z.number().int().min(0).optional().catch(undefined),
  /** The caller pressed 1 in the queue to be called back, and the number they keyed for it (personal). */
  wantsCallBack: z.boolean().optional().catch(undefined),
  callBackOffered: z.boolean().optional().catch(undefined),
  callBackNumber: text,
  /** The place in the queue last said to the caller, and how far into their wait (said again only when it changes, or a minute on). */
  queueSaid: z
    .object({ position: z.number().int().min(1), atSeconds: z.number().int().min(0) })
    .optional()
    .catch(undefined),
});
export type CallState = z.infer<typeof callStateSchema>;

/**
 * The state once a task is done: what it wished for and a new patient's details go,
 * so the next task on the call starts afresh (a second new patient is not the first).
 * Ids that guard against Twilio repeating a request stay.
 */
export function afterTask(state: CallState): CallState {
  const { task: _task, wish: _wish, newPatientId: _id, newPatientName: _name, newPatientDob: _dob, ...kept } = state;
  return kept;
}

/** The personal fields of a call's menu state. */
export const PERSONAL_CALL_STATE = [
  'newPatientName',
  'newPatientDob',
  'verifiedDob',
  'wish',
  'callBackNumber',
] as const;

type Sql = Pick<Prisma, '$executeRaw'>;

/** Drops the personal fields from the call's menu state (the call has ended). */
export async function forgetWhatTheCallerSaid(db: Sql, callId: string): Promise<void> {
  await db.$executeRaw`UPDATE "Call" SET "ivrState" = "ivrState" - ${PERSONAL_CALL_STATE as unknown as string[]}::text[] WHERE "id" = ${callId}::uuid AND "ivrState" IS NOT NULL`;
}

/** The same, as plain SQL for the purge: every call of a clinic that started before $2. */
export const FORGET_STALE_CALL_STATE = `UPDATE "Call" SET "ivrState" = "ivrState" - ARRAY['${PERSONAL_CALL_STATE.join("','")}']::text[]
  WHERE "clinicId" = $1::uuid AND "ivrState" ?| ARRAY['${PERSONAL_CALL_STATE.join("','")}'] AND "startedAt" < $2::timestamp`;
