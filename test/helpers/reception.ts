// A clinic whose reception takes calls: open Mon–Fri 08:30–18:00, Twilio configured for
// answering in the browser (against the given stand-in), staff who sign in and go available.
import type { AppEvent } from '../../src/core/events.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp, testClock } from './app.js';
import { Caller } from './caller.js';
import type { TestDatabase } from './database.js';
import { makeDiary } from './diary.js';
import { browserAgent, makeStaff } from './fixtures.js';
import { MONDAY_9AM } from './phone-line.js';

export const ACCOUNT = 'AC' + 'a'.repeat(32);
export const API_KEY = 'SK' + 'b'.repeat(32);
export const API_SECRET = 'api-secret-for-tests-0123456789';
export const APP_SID = 'AP' + 'c'.repeat(32);

export async function makeReception(db: TestDatabase, standin: TwilioStandin, options: { twilio?: boolean } = {}) {
  const diary = await makeDiary(db.prisma);
  const { clinic } = diary;
  await db.prisma.openingHours.createMany({
    data: [1, 2, 3, 4, 5].map((weekday) => ({
      clinicId: clinic.id,
      weekday,
      startMinute: 8 * 60 + 30,
      endMinute: 18 * 60,
    })),
  });
  const clock = testClock(MONDAY_9AM);
  const env =
    options.twilio === false
      ? {}
      : {
          TWILIO_ACCOUNT_SID: ACCOUNT,
          TWILIO_API_KEY: API_KEY,
          TWILIO_API_SECRET: API_SECRET,
          TWILIO_TWIML_APP_SID: APP_SID,
          TWILIO_API_BASE_URL: standin.url,
        };
  const { app, ctx } = makeTestApp(db, { clock, env });
  const events: AppEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  const staff = async (role: 'owner' | 'receptionist' = 'receptionist', clinicId = clinic.id) => {
    const login = await makeStaff(db.prisma, clinicId, role);
    const browser = browserAgent(app);
    if ((await browser.signIn(login)).status !== 200) throw new Error('could not sign in');
    return {
      ...login,
      browser,
      available: (available = true) => browser.send('put', '/api/presence', { available }),
    };
  };
  return {
    ...diary,
    app,
    ctx,
    clock,
    events,
    staff,
    caller: (from = '+447700900123') => new Caller(app, clinic.numbers[0]!, from),
  };
}
