// The calendar's data: who works when on each shown day, the chosen practitioners,
// cancelled appointments on request, and free times that follow the receptionist's
// chosen date, practitioner and part of day.
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';

// Monday 7 June 2027, 08:00 in London (BST).
const MONDAY_8AM = new Date('2027-06-07T07:00:00Z');
const at = (hhmm: string, day = '2027-06-07', offset = '+01:00') =>
  new Date(`${day}T${hhmm}:00${offset}`).toISOString();

describe('The calendar API', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function desk(now = MONDAY_8AM) {
    const diary = await makeDiary(db.prisma);
    const testApp = makeTestApp(db, { clock: testClock(now) });
    const agent = browserAgent(testApp.app);
    await agent.signIn(await makeStaff(db.prisma, diary.clinic.id, 'receptionist'));
    const base = `/api/clinics/${diary.clinic.id}`;
    const book = (startsAt: string, practitionerId = diary.patel.id) =>
      agent.send('post', `${base}/appointments`, {
        patientId: diary.patient.id,
        practitionerId,
        typeId: diary.checkUp.id,
        startsAt,
      });
    const slots = async (params: Record<string, string>) => {
      const res = await agent.get(`${base}/slots?${new URLSearchParams({ typeId: diary.checkUp.id, ...params })}`);
      return res.status === 200
        ? (res.body.slots as Array<{ startsAt: string; practitionerId: string }>)
        : { status: res.status, error: res.body.error };
    };
    return { ...diary, agent, base, book, slots };
  }

  it("free times on the chosen date, with the chosen practitioner, in the chosen part of the day — not the clinic's next free times", async () => {
    const { slots, khan, book } = await desk();
    await book(at('12:00', '2027-06-08'), khan.id);
    const tuesdayAfternoon = await slots({
      practitionerId: khan.id,
      from: '2027-06-08',
      to: '2027-06-08',
      partOfDay: 'afternoon',
      limit: '100',
    });
    if (!Array.isArray(tuesdayAfternoon)) throw new Error(JSON.stringify(tuesdayAfternoon));
    const times = tuesdayAfternoon.map((s) => s.startsAt);
    // Afternoon is 12:00–17:00 by when a slot starts; 12:00 is taken (and 12:15 would run into it); the last 30 minutes fit at 16:30.
    expect(times[0]).toBe(at('12:30', '2027-06-08'));
    expect(times.at(-1)).toBe(at('16:30', '2027-06-08'));
    expect(times).toHaveLength(17);
    expect(new Set(tuesdayAfternoon.map((s) => s.practitionerId))).toEqual(new Set([khan.id]));

    // A window of several days, mornings only.
    const mornings = await slots({ from: '2027-06-09', to: '2027-06-10', partOfDay: 'morning', limit: '100' });
    if (!Array.isArray(mornings)) throw new Error(JSON.stringify(mornings));
    const localDays = new Set(mornings.map((s) => s.startsAt.slice(0, 10)));
    expect(localDays).toEqual(new Set(['2027-06-09', '2027-06-10']));
    for (const s of mornings) expect(new Date(s.startsAt).getUTCHours() + 1).toBeLessThan(12);
    // 09:00–11:45 starts for two practitioners on two days.
    expect(mornings).toHaveLength(12 * 2 * 2);
  });

  it('a window in the past or a weekend has no free times; bad windows are a 400 naming the field', async () => {
    const { slots } = await desk();
    expect(await slots({ from: '2027-06-01', to: '2027-06-04' })).toEqual([]);
    expect(await slots({ from: '2027-06-12', to: '2027-06-13' })).toEqual([]);
    expect(await slots({ from: '2027-06-10', to: '2027-06-09' })).toMatchObject({
      status: 400,
      error: { field: 'to' },
    });
    expect(await slots({ partOfDay: 'teatime' })).toMatchObject({
      status: 400,
      error: { field: 'partOfDay', message: expect.stringContaining('afternoon') },
    });
    expect(await slots({ from: '8 June' })).toMatchObject({ status: 400, error: { field: 'from' } });
  });

  it("the day's columns: each practitioner with when they work, closures, and cancelled appointments only on request", async () => {
    const { agent, base, book, patel, khan, clinic } = await desk();
    const kept = await book(at('10:00'));
    const cancelled = await book(at('11:00'));
    await agent.send('post', `${base}/appointments/${cancelled.body.id}/cancel`, {});
    await db.prisma.closure.create({
      data: {
        clinicId: clinic.id,
        practitionerId: khan.id,
        startsAt: new Date(at('13:00')),
        endsAt: new Date(at('15:00')),
        reason: 'Dentist',
      },
    });
    const day = (await agent.get(`${base}/diary?date=2027-06-07`)).body;
    expect(day.days).toEqual(['2027-06-07']);
    expect(day.practitioners).toEqual([
      { id: patel.id, name: 'Anita Patel' },
      { id: khan.id, name: 'Omar Khan' },
    ]);
    expect(day.working).toEqual([
      { practitionerId: patel.id, date: '2027-06-07', startsAt: at('09:00'), endsAt: at('17:00') },
      { practitionerId: khan.id, date: '2027-06-07', startsAt: at('09:00'), endsAt: at('17:00') },
    ]);
    expect(day.appointments.map((a: { id: string }) => a.id)).toEqual([kept.body.id]);
    expect(day.closures).toEqual([expect.objectContaining({ practitionerId: khan.id, reason: 'Dentist' })]);

    const withCancelled = (await agent.get(`${base}/diary?date=2027-06-07&includeCancelled=true`)).body;
    expect(withCancelled.appointments.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      [kept.body.id, 'booked'],
      [cancelled.body.id, 'cancelled'],
    ]);

    // Only the chosen practitioners: their columns, appointments and closures (the clinic's own closures too).
    const justPatel = (await agent.get(`${base}/diary?date=2027-06-07&practitionerId=${patel.id}`)).body;
    expect(justPatel.practitioners).toEqual([{ id: patel.id, name: 'Anita Patel' }]);
    expect(justPatel.closures).toEqual([]);
    const both = await agent.get(`${base}/diary?date=2027-06-07&practitionerId=${patel.id}&practitionerId=${khan.id}`);
    expect(both.body.practitioners).toHaveLength(2);
    expect((await agent.get(`${base}/diary?date=2027-06-07&includeCancelled=yes`)).body.error.field).toBe(
      'includeCancelled',
    );
  });

  it("another clinic's practitioner chosen shows nothing of theirs", async () => {
    const { agent, base } = await desk();
    const other = await makeDiary(db.prisma);
    await db.prisma.appointment.create({
      data: {
        clinicId: other.clinic.id,
        practitionerId: other.patel.id,
        patientId: other.patient.id,
        typeId: other.checkUp.id,
        startsAt: new Date(at('10:00')),
        endsAt: new Date(at('10:30')),
        blockedUntil: new Date(at('10:30')),
        source: 'dashboard',
      },
    });
    const res = await agent.get(`${base}/diary?date=2027-06-07&practitionerId=${other.patel.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ practitioners: [], working: [], appointments: [] });
    const slots = await agent.get(`${base}/slots?typeId=${other.checkUp.id}`);
    expect(slots.status).toBe(404);
  });

  it('across the spring clock change, 09:00 is 09:00 each day: the week of 22 March 2027 (clocks go forward on Sunday 28th)', async () => {
    const clinic = await makeClinic(db.prisma);
    const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 }));
    const lee = await db.prisma.practitioner.create({
      data: { clinicId: clinic.id, name: 'Sam Lee', spokenName: 'Sam', workingHours: { create: everyDay } },
    });
    const { app } = makeTestApp(db, { clock: testClock(new Date('2027-03-20T09:00:00Z')) });
    const agent = browserAgent(app);
    await agent.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    const week = (await agent.get(`/api/clinics/${clinic.id}/diary?date=2027-03-25&view=week`)).body;
    expect(week.days).toEqual([
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25',
      '2027-03-26',
      '2027-03-27',
      '2027-03-28',
    ]);
    const saturday = week.working.find((w: { date: string }) => w.date === '2027-03-27');
    const sunday = week.working.find((w: { date: string }) => w.date === '2027-03-28');
    expect(saturday).toEqual({
      practitionerId: lee.id,
      date: '2027-03-27',
      startsAt: '2027-03-27T09:00:00.000Z',
      endsAt: '2027-03-27T17:00:00.000Z',
    });
    expect(sunday).toEqual({
      practitionerId: lee.id,
      date: '2027-03-28',
      startsAt: '2027-03-28T08:00:00.000Z', // 09:00 BST
      endsAt: '2027-03-28T16:00:00.000Z',
    });
    expect(week.to).toBe('2027-03-29T00:00:00.000+01:00');
  });
});
