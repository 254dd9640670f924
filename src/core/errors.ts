// What can go wrong that a person is told about, in words they understand. Each kind
// says what happened; none knows HTTP. The HTTP edge (src/http/errors.ts) gives each
// kind its status code, once, and the operator's command line prints the message.
export abstract class DomainError extends Error {
  /** More for the client beside the code and message (the free alternatives to a taken slot, say). */
  details?: Record<string, unknown>;

  constructor(
    /** A stable, machine-readable name for the failure: `slot_taken`, `last_owner`. */
    readonly code: string,
    message: string,
    /** The input it is about, in the API's own field names. */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No such thing here — or nothing the asker may know exists (another clinic's). */
export class NotFound extends DomainError {
  constructor(message = 'Not found', field?: string, code = 'not_found') {
    super(code, message, field);
  }
}

/** The input is wrong; `issues` names every field that is. */
export class InvalidInput extends DomainError {
  constructor(
    message: string,
    field?: string,
    readonly issues?: Array<{ field?: string; message: string }>,
  ) {
    super('invalid_input', message, field);
  }
}

/** The request clashes with how things stand now (taken, already done, the last owner). */
export class Conflict extends DomainError {}

/** Well-formed and understood, but not something this can do (a time off the grid, say). */
export class NotPossible extends DomainError {}

/** Not for this person (a receptionist reaching for an owner's power). */
export class NotAllowed extends DomainError {}

/** Only for someone signed in, or the sign-in itself failed. */
export class NotSignedIn extends DomainError {}

/** It was here once and is not any more (a used link, destroyed audio). */
export class Gone extends DomainError {}

/** Too many tries; try again after `retryAfterSeconds`. */
export class TooMany extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** Something this needs is not here (Twilio not configured, another run holding the lease). */
export class Unavailable extends DomainError {}

/** A service this relies on (Twilio) refused or failed. */
export class UpstreamFailed extends DomainError {}
