import type { Database } from '../../src/db/database.js';
import { makeTestApp, testClock } from './app.js';
import { Caller } from './caller.js';
import { makeDiary, openReceptionWeekdays } from './diary.js';

// Monday 7 June 2027, 09:00 in London; with 2 hours' notice the first bookable time is 11:00.
export const MONDAY_9AM = new Date('2027-06-07T08:00:00Z');

/** A diary clinic whose reception (Mon–Fri 08:30–18:00) answers on +441632960555, and callers to its number. */
export async function clinicLine(db: Database, now = MONDAY_9AM) {
  const diary = await makeDiary(db.prisma);
  await openReceptionWeekdays(db.prisma, diary.clinic.id, 8 * 60 + 30, 18 * 60);
  await db.prisma.clinic.update({ where: { id: diary.clinic.id }, data: { receptionNumber: '+441632960555' } });
  const { app } = makeTestApp(db, { clock: testClock(now) });
  return { ...diary, app, caller: (from = '+447700900123') => new Caller(app, diary.clinic.numbers[0]!, from) };
}
