import type { ReadyConfig } from './core/config.js';
import type { Database } from './db/database.js';
import type { EventBus } from './core/events.js';
import type { LiveHub } from './live/hub.js';
import type { Logger } from './core/logger.js';
import type { RecordingStorage } from './recordings/storage.js';
import type { FallbackDirectory } from './telephony/fallback-directory.js';
import type { Simulator } from './simulator/simulator.js';
import type { TwilioRest } from './twilio/rest.js';

/** What the app's features are handed: I/O at the edges, so tests pass in their own. */
export interface AppContext {
  config: ReadyConfig;
  db: Database;
  logger: Logger;
  /** The time now; tests pass a fixed or advancing clock. */
  clock: () => Date;
  fallbackDirectory: FallbackDirectory;
  events: EventBus;
  /** Where encrypted recordings are kept (files or the database). */
  recordings: RecordingStorage;
  /** Twilio's REST API, or null when Twilio is not configured. */
  twilio: TwilioRest | null;
  /** The live dashboard's sockets, once the HTTP server is up (absent in tests that need none). */
  live?: LiveHub;
  /** The phone simulator, when it runs (src/simulator/mode.ts); else why not. */
  simulator?: Simulator;
  simulatorOff?: string;
}
