// Every kind of job the service runs and what its payload holds, as EventPayloads is
// for events. A payload names rows, never carries personal data, so the job table
// holds nothing worth stealing. Features queue through queueJob (typed by kind) and
// hand in handlers for their kinds; src/main/jobs.ts must handle every kind.
import { type EnqueueOptions, enqueueJob, type JobHandler } from './runner.js';

export interface JobPayloads {
  /** Sends one queued text (TextMessage row) through Twilio. */
  'text.send': { messageId: string };
  /**
   * Brings a recording home from Twilio, encrypted, then deletes Twilio's copies — for a
   * voicemail being transcribed, once its transcript is in or the wait for it is over.
   */
  'recording.fetch': { recordingId: string };
  /**
   * After an erasure or a closure: Twilio's copies of a recording whose row is gone — a
   * known transcription, those Twilio holds under it (when `transcribed`), the recording.
   */
  'recording.delete-at-twilio': { recordingSid: string; transcribed?: boolean; transcriptionSid?: string };
  /** A cancellation or move freed a time: the people waiting for one are offered it. */
  'waitlist.offer-freed-time': {
    clinicId: string;
    practitionerId: string;
    typeId: string;
    startsAt: string;
    blockedUntil: string;
  };
  /** Rings a patient back for a call-back asked for from the queue (one attempt). */
  'callback.dial': { attemptId: string };
  /**
   * Emails an owner's invitation to the invitee (SMTP_URL set). The link's token is made as
   * the email is sent, so no payload ever holds one; each try makes a new one.
   */
  'mail.invitation': { invitationId: string };
  /**
   * Emails a one-time set-password link asked for on the sign-in page, made as it is sent.
   * Null for an email with no account: queued all the same, so the answer takes as long.
   */
  'mail.password-reset': { userId: string | null };
  /** Periodic (src/jobs/periodic.ts): Twilio's recordings against ours, hourly. */
  'recordings.reconcile': Record<string, never>;
  /** Periodic: what has outlived its clinic's retention period, destroyed, daily. */
  'retention.purge': Record<string, never>;
  /** Periodic: closed days' call totals kept, six-hourly. */
  'stats.close-days': Record<string, never>;
}

export type JobKind = keyof JobPayloads;

/** A handler for each kind, given its own kind's payload. */
export type JobHandlers = {
  [K in JobKind]: (payload: JobPayloads[K], job: { id: string; attempt: number }) => Promise<void>;
};

/** Adds a job of `kind`; pass a transaction client to make it part of the write that calls for it. */
export const queueJob = <K extends JobKind>(
  db: Parameters<typeof enqueueJob>[0],
  kind: K,
  payload: JobPayloads[K],
  options?: EnqueueOptions,
): Promise<void> => enqueueJob(db, kind, payload, options);

/** The runner's view: it hands each job the payload that queueJob stored for its kind. */
export const forTheRunner = (handlers: JobHandlers): Record<string, JobHandler> =>
  handlers as unknown as Record<string, JobHandler>;
