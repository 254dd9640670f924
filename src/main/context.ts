// The composition root's one context: every part the service's code is handed, built
// once, by start-up, tests and benchmarks alike, and never changed afterwards.
import type { ReadyConfig } from '../core/config.js';
import { EventBus } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Services } from '../core/services.js';
import type { Database } from '../db/database.js';
import type { DiaryDeps } from '../diary/booking.js';
import { textTheDiaryChange } from '../texts/appointment-texts.js';
import { type RecordingStorage, storageFor } from '../recordings/storage.js';
import type { Simulator } from '../simulator/simulator.js';
import { FallbackDirectory } from '../voice/fallback-directory.js';
import { ClinicWordsCache, readVocabulary } from '../telephony/clinic-words.js';
import { createTwilioRest, type TwilioRest } from '../twilio/rest.js';
import { NO_METERS } from '../core/meters.js';
import { metricsEnabled } from '../metrics/http.js';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { createMailer, type Mailer } from '../mail/mailer.js';

export interface AppContext extends Services, Pick<DiaryDeps, 'diaryChangeWrites'> {
  /** Where encrypted recordings are kept (files or the database). */
  recordings: RecordingStorage;
  /** The clinics' fallback numbers, for Twilio's fallback URL when the database is down. */
  fallbackDirectory: FallbackDirectory;
  /** The phone simulator, when it runs (src/simulator/mode.ts); else why not. */
  simulator?: Simulator;
  simulatorOff?: string;
  /** The phone line's words of each clinic, read again only when they change. */
  clinicWords: ClinicWordsCache;
  /** The operator's metrics, when METRICS_TOKEN or METRICS_PORT turns them on; `meters` counts into them. */
  metrics?: ServiceMetrics;
}

/** What a context is built from: the configuration, the database and the logger, and any part a caller brings its own of. */
export interface Components {
  config: ReadyConfig;
  db: Database;
  logger: Logger;
  clock?: () => Date;
  events?: EventBus;
  /** Twilio's REST API; by default the one the configuration names (null without Twilio). */
  twilio?: TwilioRest | null;
  /** Email; by default through the configuration's SMTP_URL (null without it). */
  mailer?: Mailer | null;
  recordings?: RecordingStorage;
  fallbackDirectory?: FallbackDirectory;
  simulator?: Simulator;
  simulatorOff?: string;
}

export function buildContext(c: Components): AppContext {
  const clock = c.clock ?? (() => new Date());
  const metrics = metricsEnabled(c.config.metrics)
    ? new ServiceMetrics({ db: c.db, clock, logger: c.logger })
    : undefined;
  const meters = metrics ?? NO_METERS;
  return {
    config: c.config,
    db: c.db,
    logger: c.logger,
    clock,
    events: c.events ?? new EventBus(),
    twilio: c.twilio !== undefined ? c.twilio : createTwilioRest(c.config, meters),
    meters,
    metrics,
    mailer: c.mailer !== undefined ? c.mailer : c.config.mail ? createMailer(c.config.mail) : null,
    recordings: c.recordings ?? storageFor(c.db, c.config.dataDir),
    fallbackDirectory: c.fallbackDirectory ?? new FallbackDirectory(),
    clinicWords: new ClinicWordsCache((clinicId) => readVocabulary(c.db.prisma, clinicId)),
    diaryChangeWrites: textTheDiaryChange,
    simulator: c.simulator,
    simulatorOff: c.simulatorOff,
  };
}
