import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EventBus } from '../../src/core/events.js';
import { attachLiveHub, type LiveHub } from '../../src/live/hub.js';
import { Simulator as SimulatorClass, type Simulator } from '../../src/simulator/simulator.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, TEST_AUTH_TOKEN, TEST_BASE_URL, testClock, type TestApp } from './app.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { browserPath } from './services.js';
import { CHROMIUM_ARGS, signedInPage } from './pages.js';

export { CHROMIUM_ARGS, signedInPage };

export interface LiveDashboard {
  db: TestDatabase;
  testApp: TestApp;
  hub: LiveHub;
  base: string;
  browser: Browser;
  /** The server's clock, which only tests move. */
  clock: ReturnType<typeof testClock>;
  /** A new page signed in as this person, on the Live screen; its console is watched for errors. */
  signedInPage(login: { email: string; password: string }, now?: Date): Promise<Page>;
  /** Closes everything; fails if any page broke its Content Security Policy or threw. */
  close(): Promise<void>;
}

/** The real app with its live hub on a port, on an embedded database, and Chromium; `env` overrides its environment. */
export async function startLiveDashboard(
  start: Date,
  parts: { simulator?: Simulator; events?: EventBus; env?: Record<string, string> } = {},
): Promise<LiveDashboard> {
  const db = await openTestDatabase('embedded');
  const clock = testClock(start);
  const testApp = makeTestApp(db, { clock, ...parts });
  const server = http.createServer(testApp.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hub: LiveHub = await attachLiveHub(server, testApp.ctx);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
  const pages: Page[] = [];
  const errors: string[] = [];

  return {
    db,
    testApp,
    clock,
    hub,
    base,
    browser,
    async signedInPage(login, now) {
      const page = await signedInPage(browser, base, login, errors, now);
      pages.push(page);
      return page;
    },
    async close() {
      for (const p of pages) await p.close();
      await browser.close();
      await hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
      expect(errors).toEqual([]);
    },
  };
}

/**
 * The dashboard with the server playing Twilio, as `npm start` does without an account:
 * REST by a stand-in, calls by the simulator (a queued caller answered on Live is put
 * through to the receptionist's simulated browser phone).
 */
export async function startSimulatedDashboard(
  start: Date,
  account: string,
): Promise<{ dashboard: LiveDashboard; standin: TwilioStandin; simulator: Simulator; close(): Promise<void> }> {
  const standin = new TwilioStandin(account, { authToken: TEST_AUTH_TOKEN });
  await standin.start();
  const events = new EventBus();
  const simulator = new SimulatorClass({ accountSid: account, authToken: TEST_AUTH_TOKEN }, TEST_BASE_URL, {
    events,
    recordings: standin,
  });
  const dashboard = await startLiveDashboard(start, {
    simulator,
    events,
    env: { TWILIO_ACCOUNT_SID: account, TWILIO_API_BASE_URL: standin.url },
  });
  simulator.listening(dashboard.base);
  standin.onDequeue = (m) => simulator.dequeue(m.queueSid, m.callSid, m.url);
  return {
    dashboard,
    standin,
    simulator,
    async close() {
      try {
        await dashboard.close();
      } finally {
        await standin.stop();
      }
    },
  };
}
