// What the service counts as it works, for the operator's /metrics (src/metrics/). Code in
// lower layers is handed these hooks and counts through them, so none of it knows about
// Prometheus; with metrics off they do nothing.

/**
 * Why a caller heard the apology instead of the step they were on: the webhook ran out of
 * time or failed, Twilio used the fallback URL, or the request was not one the service can
 * act on (an unknown path, an action URL naming no call of ours, a field missing).
 */
export type ApologyReason = 'deadline' | 'error' | 'fallback_url' | 'unusable_request';
/** How a request to Twilio's REST API failed: Twilio's answer, or no answer at all. */
export type TwilioFailure = 'http_4xx' | 'http_5xx' | 'network';
/** How a retention purge run ended: done, skipped (another run held the lease) or failed. */
export type PurgeResult = 'done' | 'skipped' | 'failed';

export interface Meters {
  /** A Twilio webhook answered with the apology. */
  twimlApology(reason: ApologyReason): void;
  /** A request to Twilio's REST API failed; `operation` names the method and resource, never an id. */
  twilioRestError(operation: string, failure: TwilioFailure): void;
  retentionPurge(result: PurgeResult): void;
  /** How to count the live hub's connections on this instance when metrics are read. */
  liveConnections(count: () => number): void;
}

export const NO_METERS: Meters = {
  twimlApology: () => undefined,
  twilioRestError: () => undefined,
  retentionPurge: () => undefined,
  liveConnections: () => undefined,
};
