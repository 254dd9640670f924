import ICAL from 'ical.js';
import request from 'supertest';
import { bookAppointment, cancelAppointment } from '../../src/diary/booking.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';

/** Parses a feed with ical.js, registering its VTIMEZONEs as a calendar app would. */
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return calendar.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c);
    return { uid: event.uid, summary: event.summary, start: event.startDate, end: event.endDate };
  });
}

describe('Calendar feeds', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function setUp() {
    const diary = await makeDiary(db.prisma);
    const clock = testClock(new Date('2027-03-22T08:00:00Z')); // Monday before the clocks change on Sunday 28 March
    const { app, ctx } = makeTestApp(db, { clock });
    const owner = browserAgent(app);
    await owner.signIn(await makeStaff(db.prisma, diary.clinic.id, 'owner'));
    const deps = ctx;
    const book = (startsAt: string, practitionerId = diary.patel.id) =>
      bookAppointment(deps, {
        clinicId: diary.clinic.id,
        practitionerId,
        typeId: diary.checkUp.id,
        patientId: diary.patient.id,
        startsAt: new Date(startsAt),
        source: 'dashboard',
        actor: { type: 'system' },
      });
    const feeds = async () =>
      (await owner.get(`/api/clinics/${diary.clinic.id}/calendar-feeds`)).body.feeds as Array<{
        id: string;
        practitionerId: string | null;
        url: string;
      }>;
    const fetchFeed = (url: string) => request(app).get(new URL(url).pathname);
    return { ...diary, app, owner, deps, book, feeds, fetchFeed };
  }

  it('shows local times on both sides of a daylight-saving change, with stable UIDs and initials only', async () => {
    const { book, feeds, fetchFeed } = await setUp();
    const before = await book('2027-03-26T10:00:00Z'); // Friday 10:00 GMT
    const after = await book('2027-03-29T09:00:00Z'); // Monday 10:00 BST
    const clinicFeed = (await feeds()).find((f) => f.practitionerId === null)!;
    const res = await fetchFeed(clinicFeed.url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/calendar/);
    const events = parseFeed(res.text);
    expect(events.map((e) => e.uid)).toEqual([`${before.id}@clinic-phone-line`, `${after.id}@clinic-phone-line`]);
    for (const e of events) {
      expect(e.start.zone?.tzid).toBe('Europe/London');
      expect([e.start.hour, e.start.minute]).toEqual([10, 0]); // 10:00 on the clinic's clock, both weeks
    }
    expect(events.map((e) => e.start.toJSDate().toISOString())).toEqual([
      '2027-03-26T10:00:00.000Z',
      '2027-03-29T09:00:00.000Z',
    ]);
    expect(events[0]!.summary).toBe('Check-up: J. D.');
    expect(res.text).not.toContain('Jane Doe');
    expect(parseFeed((await fetchFeed(clinicFeed.url)).text).map((e) => e.uid)).toEqual(events.map((e) => e.uid));
  });

  it("cancelled appointments disappear; a practitioner's feed has only theirs; full names when the owner chooses", async () => {
    const { book, feeds, fetchFeed, owner, clinic, patel, khan, deps } = await setUp();
    const kept = await book('2027-03-24T10:00:00Z');
    const gone = await book('2027-03-24T11:00:00Z');
    await book('2027-03-24T10:00:00Z', khan.id);
    await cancelAppointment(deps, { clinicId: clinic.id, appointmentId: gone.id, actor: { type: 'system' } });
    const patelFeed = (await feeds()).find((f) => f.practitionerId === patel.id)!;
    expect(parseFeed((await fetchFeed(patelFeed.url)).text).map((e) => e.uid)).toEqual([
      `${kept.id}@clinic-phone-line`,
    ]);
    const named = await owner.send('patch', `/api/clinics/${clinic.id}/calendar-feeds/${patelFeed.id}`, {
      showFullNames: true,
    });
    expect(named.status).toBe(200);
    expect(parseFeed((await fetchFeed(patelFeed.url)).text)[0]!.summary).toBe('Check-up: Jane Doe');
  });

  it('regenerating a link kills the old one (404); a made-up token is 404 too', async () => {
    const { feeds, fetchFeed, owner, clinic } = await setUp();
    const feed = (await feeds())[0]!;
    expect((await fetchFeed(feed.url)).status).toBe(200);
    const fresh = await owner.send('post', `/api/clinics/${clinic.id}/calendar-feeds/${feed.id}/regenerate`);
    expect(fresh.body.url).not.toBe(feed.url);
    expect((await fetchFeed(feed.url)).status).toBe(404);
    expect((await fetchFeed(fresh.body.url)).status).toBe(200);
    expect((await fetchFeed(`https://x/ical/${feed.id}.${'a'.repeat(32)}.ics`)).status).toBe(404);
    expect((await fetchFeed('https://x/ical/nonsense.ics')).status).toBe(404);
  });

  it('a receptionist cannot see or change the feeds', async () => {
    const { app, clinic } = await setUp();
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    expect((await desk.get(`/api/clinics/${clinic.id}/calendar-feeds`)).status).toBe(403);
  });
});
