// What the phone menu keeps about a call in Call.ivrState. Ids (the patient a caller
// proved to be, the appointment the call booked) stay with the call; what the caller
// said or keyed about themselves (a new patient's name, a date of birth) is needed only
// while the call lasts, and goes when it ends — or, should its end never reach us, at
// the next daily purge.
import type { Prisma } from '../db/database.js';

/** The personal fields of a call's menu state. */
export const PERSONAL_CALL_STATE = ['newPatientName', 'newPatientDob', 'verifiedDob'] as const;

type Sql = Pick<Prisma, '$executeRaw'>;

/** Drops the personal fields from the call's menu state (the call has ended). */
export async function forgetWhatTheCallerSaid(db: Sql, callId: string): Promise<void> {
  await db.$executeRaw`UPDATE "Call" SET "ivrState" = "ivrState" - ${PERSONAL_CALL_STATE as unknown as string[]}::text[] WHERE "id" = ${callId}::uuid AND "ivrState" IS NOT NULL`;
}

/** The same, as plain SQL for the purge: every call of a clinic that started before $2. */
export const FORGET_STALE_CALL_STATE = `UPDATE "Call" SET "ivrState" = "ivrState" - ARRAY['${PERSONAL_CALL_STATE.join("','")}']::text[]
  WHERE "clinicId" = $1::uuid AND "ivrState" ?| ARRAY['${PERSONAL_CALL_STATE.join("','")}'] AND "startedAt" < $2::timestamp`;
