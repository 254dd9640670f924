import type { Express } from 'express';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/app.js';
import { loadConfig, type ReadyConfig } from '../../src/core/config.js';
import { type AppContext, buildContext } from '../../src/main/context.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import type { EventBus } from '../../src/core/events.js';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/core/logger.js';
import { type RecordingStorage, storageFor } from '../../src/recordings/storage.js';

export const TEST_AUTH_TOKEN = '0123456789abcdef0123456789abcdef';
export const TEST_BASE_URL = 'https://phone.clinic.test';

/** The environment a test instance runs with; override any variable. */
export function testEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: TEST_BASE_URL,
    TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
    TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    RECORDINGS_KEY: 'ab'.repeat(32),
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

/** A clock tests can move: `clock.advance(ms)`. */
export function testClock(start = new Date('2026-11-23T09:00:00Z')) {
  let now = start.getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  /** Moves to an instant (forward, as time goes). */
  clock.set = (at: Date) => {
    now = at.getTime();
  };
  return clock;
}

/** Recordings beside the test's database: files in a fresh temporary folder, or the PostgreSQL database. */
export const testStorage = (db: Database): RecordingStorage =>
  storageFor(db, mkdtempSync(path.join(os.tmpdir(), 'clinic-recordings-')));

export interface TestApp {
  app: Express;
  ctx: AppContext;
  logs: string[];
}

/** The real app on a test database; logs are captured so tests can read them. */
export function makeTestApp(
  db: Database,
  options: {
    env?: Record<string, string | undefined>;
    clock?: () => Date;
    simulator?: Simulator;
    events?: EventBus;
  } = {},
): TestApp {
  const config = loadConfig(testEnv({ LOG_LEVEL: 'info', ...options.env })) as ReadyConfig;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const ctx = buildContext({
    config,
    db,
    logger: createLogger({ level: config.logLevel, destination: sink }),
    clock: options.clock,
    recordings: testStorage(db),
    simulator: options.simulator,
    events: options.events,
  });
  return { app: createApp(ctx), ctx, logs };
}
