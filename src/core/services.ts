// What the service's code is handed: the I/O at its edges. A function that needs any of
// it takes one `deps` argument naming the parts it uses (`deps: Pick<Services, 'db' |
// 'clock'>`, with a feature's own parts beside), so a test hands in its own database,
// clock or Twilio stand-in, and the composition root (src/main/context.ts) hands in the
// one context it built. A write inside a transaction takes that transaction instead.
import type twilio from 'twilio';
import type { ReadyConfig } from './config.js';
import type { Database } from './database.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { Meters } from './meters.js';
import type { Mailer } from '../mail/mailer.js';

/** Twilio's REST client (src/twilio/rest.ts makes it). */
export type TwilioRest = ReturnType<typeof twilio>;

export interface Services {
  config: ReadyConfig;
  logger: Logger;
  /** The time now; tests pass a fixed or advancing clock. */
  clock: () => Date;
  db: Database;
  events: EventBus;
  /** Twilio's REST API, or null when Twilio is not configured. */
  twilio: TwilioRest | null;
  /** Email through SMTP_URL, or null when it is not set (links are then passed on by hand). */
  mailer: Mailer | null;
  /** What the operator's metrics count (no-ops when metrics are off). */
  meters: Meters;
}
