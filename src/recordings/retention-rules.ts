// When each kind of record expires: pure date arithmetic on a clinic's periods.

export interface RetentionPeriods {
  recordingRetentionDays: number;
  voicemailRetentionDays: number;
  callLogRetentionDays: number;
  auditRetentionDays: number;
}

export interface Cutoffs {
  /** Whole-call recordings made before this are destroyed. */
  callRecordings: Date;
  voicemails: Date;
  /** Calls that started before this (and the texts sent before it). */
  callLog: Date;
  audit: Date;
}

const DAY_MS = 86_400_000;

/** Periods are whole days back from now; a record exactly at the cutoff stays until the next run. */
export function cutoffsFor(now: Date, p: RetentionPeriods): Cutoffs {
  const back = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    callRecordings: back(p.recordingRetentionDays),
    voicemails: back(p.voicemailRetentionDays),
    callLog: back(p.callLogRetentionDays),
    audit: back(p.auditRetentionDays),
  };
}

export const PURGE_EVERY_MS = DAY_MS;

/** The scheduled run after `now` (the purge runs once a day, at midnight UTC). */
export const nextPurgeAt = (now: Date): Date =>
  new Date(Math.floor(now.getTime() / PURGE_EVERY_MS) * PURGE_EVERY_MS + PURGE_EVERY_MS);
