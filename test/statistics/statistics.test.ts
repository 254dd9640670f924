import { Prisma } from '../../src/generated/prisma/client.js';
import { scheduleClosingDays, statisticsJobs } from '../../src/statistics/jobs.js';
import { closeDays } from '../../src/statistics/statistics.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { clinicLine } from '../helpers/phone-line.js';
import { databaseKinds } from '../helpers/services.js';
import { seedCallsOfMonday7June } from '../helpers/statistics.js';
import { signedTwilioPost } from '../helpers/twilio.js';

const utc = (iso: string) => new Date(iso);

describe.each(databaseKinds())('Call statistics (%s database)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(() => db.drop());

  async function seededClinic() {
    const clinic = await makeClinic(db.prisma, { timeZone: 'Europe/London' });
    await seedCallsOfMonday7June(db.prisma, clinic);
    return clinic;
  }

  async function ownerOf(clinicId: string, now: Date) {
    const { app } = makeTestApp(db, { clock: testClock(now) });
    const owner = await makeStaff(db.prisma, clinicId, 'owner');
    const browser = browserAgent(app);
    await browser.signIn(owner);
    return { app, browser, url: `/api/clinics/${clinicId}/statistics` };
  }

  const MONDAY = {
    date: '2027-06-07',
    calls: 8,
    askedForReception: 5,
    answered: 3,
    answeredWithin20s: 2,
    answerSecondsTotal: 80,
    longestAnswerSeconds: 45,
    abandoned: 1,
    abandonedWaitSecondsTotal: 70,
    abandonedWaitCount: 1,
    voicemails: 1,
    booked: 1,
    moved: 1,
    cancelled: 0,
    outOfHours: 1,
    callBacksRequested: 2,
    callBacksMade: 1,
    callSecondsTotal: 1075,
    callSecondsCount: 8,
    urgent: 0,
    answeredWithin20sRate: 0.4,
    abandonmentRate: 0.2,
    averageAnswerSeconds: 27,
    averageAbandonedWaitSeconds: 70,
    averageCallSeconds: 134,
    bookedOrChanged: 2,
    // NHS England's classes by time band (00–06, 06–08, 08–10, 10–12, 12–14, 14–16, 16–18, 18–18:30, 18:30–24).
    cbt: {
      byBand: {
        CBT001: [1, 0, 5, 0, 1, 0, 0, 0, 1],
        CBT002: [0, 0, 2, 0, 0, 0, 0, 0, 1], // booked, moved; out of hours
        CBT003: [1, 0, 2, 0, 0, 0, 0, 0, 0], // answered at 00:30, 08:05, 08:40
        CBT004: [0, 0, 1, 0, 1, 0, 0, 0, 0], // gave up at 09:10; voicemail at 13:00
        CBT005: [0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
      answeredByWait: [3, 0, 0, 0], // 20, 15 and 45 s
      missedByWait: [0, 2, 0, 0], // 70 and 65 s
      answeredByDuration: [1, 0, 2, 0], // 60, 155 and 235 s talking
      callBacksDialled: 0,
      callBacksConnected: 0,
    },
  };
  const TUESDAY = {
    date: '2027-06-08',
    calls: 1,
    askedForReception: 0,
    cancelled: 1,
    callBacksRequested: 0,
    callBacksMade: 1,
    callSecondsTotal: 60,
    answeredWithin20sRate: null,
    abandonmentRate: null,
    averageCallSeconds: 60,
    bookedOrChanged: 1,
  };
  const hours = (counts: Record<number, number>) => Array.from({ length: 24 }, (_, h) => counts[h] ?? 0);

  it("every figure equals the hand-worked value, by the clinic's local day and hour, and the totals outlive the calls", async () => {
    const clinic = await seededClinic();
    const { browser, url } = await ownerOf(clinic.id, utc('2027-06-14T09:00:00Z'));
    const report = await browser.get(`${url}?from=2027-06-07&to=2027-06-08`);
    expect(report.status).toBe(200);
    expect(report.body.targets).toEqual({ answeredWithin20s: 0.8, abandonment: 0.05 });
    expect(report.body.days).toEqual([
      { ...MONDAY, callsByHour: hours({ 0: 1, 8: 2, 9: 3, 13: 1, 23: 1 }) },
      expect.objectContaining({ ...TUESDAY, callsByHour: hours({ 0: 1 }) }),
    ]);
    expect(report.body.totals).toMatchObject({
      calls: 9,
      callsByHour: hours({ 0: 2, 8: 2, 9: 3, 13: 1, 23: 1 }),
      callBacksMade: 2,
      bookedOrChanged: 3,
      answeredWithin20sRate: 0.4,
      abandonmentRate: 0.2,
      averageCallSeconds: 126,
      longestAnswerSeconds: 45,
    });

    // The NHS view of the period: every call in one class, and the page's figures are the month file's.
    expect(report.body.nhs.indicators).toEqual({
      CBT001: 9,
      CBT002: 4,
      CBT003: 3,
      CBT004: 2,
      CBT005: 0,
      CBT006: 0,
      CBT006_connected: 0,
      CBT007: 3,
    });
    expect(report.body.nhs.answeredByWait[0]).toEqual({ label: 'Within 1 minute', calls: 3 });
    const csv = await browser.get(`${url}.csv?from=2027-06-07&to=2027-06-08`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(
      /^date,calls,asked_for_reception,answered,answered_within_20s,answered_within_20s_rate,abandoned,abandonment_rate,/,
    );
    expect(lines[1]).toMatch(
      /^2027-06-07,8,5,3,2,0\.4000,1,0\.2000,1,1,1,0,1,27,45,70,2,1,134,0,1,0,0,0,0,0,0,0,2,3,0,0,0,1,/,
    );
    expect(lines[3]).toMatch(/^total,9,5,3,2,0\.4000,1,0\.2000,/);

    // The call log is purged (its retention period has passed): closed days were kept as totals.
    expect(await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id } })).toBe(2);
    await db.prisma.callBack.deleteMany({ where: { clinicId: clinic.id } });
    await db.prisma.call.deleteMany({ where: { clinicId: clinic.id } });
    const after = await browser.get(`${url}?from=2027-06-07&to=2027-06-08`);
    expect(after.body).toEqual(report.body);
    // The NHS month file, after the call log is gone: from the kept days.
    const noCode = await browser.get(`${url}/nhs.csv?month=2027-06`);
    expect(noCode.status).toBe(409);
    expect(noCode.body.error.message).toContain("set the practice's ODS code in Settings");
    const settings = `/api/clinics/${clinic.id}`;
    expect((await browser.send('patch', settings, { odsCode: 'A8100' })).body.error).toMatchObject({
      field: 'odsCode',
      message: expect.stringContaining('a letter and five digits'),
    });
    expect((await browser.send('patch', settings, { odsCode: ' a81001 ' })).body.odsCode).toBe('A81001');
    expect((await browser.get(`${url}/nhs.csv?month=2027-13`)).body.error).toMatchObject({ field: 'month' });
    expect((await browser.get(`${url}/nhs.csv?month=2027-07`)).body.error).toMatchObject({ field: 'month' });
    const nhs = await browser.get(`${url}/nhs.csv?month=2027-06`);
    expect(nhs.status).toBe(200);
    expect(nhs.headers['content-disposition']).toContain('nhs-telephony-A81001-2027-06.csv');
    const nhsRows = nhs.text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(nhs.text.split('\n')[0]).toBe('Date,PRACTICE_CODE,Indicator,Breakdown,Category,Value');
    const sumOf = (indicator: string, breakdown: string, dates = ['2027-06-07', '2027-06-08']) =>
      nhsRows
        .filter((r) => r[2] === indicator && r[3] === breakdown && dates.includes(r[0]!))
        .reduce((n, r) => n + Number(r[5]), 0);
    for (const k of ['CBT001', 'CBT002', 'CBT003', 'CBT004', 'CBT005'] as const)
      expect([k, sumOf(k, 'Time_Category')]).toEqual([k, report.body.nhs.indicators[k]]);
    expect(sumOf('CBT007', 'Duration')).toBe(3);
    expect(nhsRows).toContainEqual(['2027-06-07', 'A81001', 'CBT004', 'Wait_Time', '1 to 2 minutes', '2']);
    // Every day of June up to today (the 14th), zeros included; none still to come.
    expect([...new Set(nhsRows.map((r) => r[0]))].sort()).toEqual(
      Array.from({ length: 14 }, (_, i) => `2027-06-${String(i + 1).padStart(2, '0')}`),
    );
    expect(sumOf('CBT001', 'Time_Category', ['2027-06-10'])).toBe(0);
  });

  it('a day kept before the NHS figures existed gets them from its calls, unless some of its calls are gone', async () => {
    const clinic = await seededClinic();
    const { browser, url } = await ownerOf(clinic.id, utc('2027-06-14T09:00:00Z'));
    await browser.get(`${url}?from=2027-06-07&to=2027-06-08`); // both days kept, with the figures
    const forget = () =>
      db.prisma.callStatsDay.updateMany({ where: { clinicId: clinic.id }, data: { cbt: Prisma.DbNull } });
    await forget();
    const again = await browser.get(`${url}?from=2027-06-07&to=2027-06-08`);
    expect(again.body.nhs.indicators.CBT001).toBe(9);
    expect(await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id, cbt: { equals: Prisma.DbNull } } })).toBe(
      0,
    );
    // Monday's calls partly purged: its figures would under-count, so it has none, and says so.
    await forget();
    const monday = await db.prisma.call.findFirstOrThrow({
      where: { clinicId: clinic.id, outcome: 'booked' },
    });
    await db.prisma.call.delete({ where: { id: monday.id } });
    const partial = await browser.get(`${url}?from=2027-06-07&to=2027-06-08`);
    expect(partial.body.nhs).toBeNull();
    expect(partial.body.days.map((d: { cbt: unknown }) => d.cbt === null)).toEqual([true, false]);
    await db.prisma.clinic.update({ where: { id: clinic.id }, data: { odsCode: 'A81001' } });
    const file = await browser.get(`${url}/nhs.csv?month=2027-06`);
    expect(file.status).toBe(409);
    expect(file.body.error.code).toBe('nhs_figures_missing');
  });

  it('a day still open is counted live and not kept, so a late callback still counts', async () => {
    const clinic = await seededClinic();
    const { browser, url } = await ownerOf(clinic.id, utc('2027-06-08T17:00:00Z'));
    const first = await browser.get(`${url}?from=2027-06-07&to=2027-06-07`);
    expect(first.body.days[0]).toMatchObject({ calls: 8, callBacksMade: 1 });
    expect(await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id } })).toBe(0);
    await db.prisma.call.updateMany({
      where: { clinicId: clinic.id, outcome: 'out_of_hours' },
      data: { outcome: 'voicemail' },
    });
    expect((await browser.get(`${url}?from=2027-06-07&to=2027-06-07`)).body.days[0]).toMatchObject({
      voicemails: 2,
      outOfHours: 0,
    });
  });

  it('the scheduled run keeps every closed day once, so totals survive even if nobody looked', async () => {
    const clinic = await seededClinic();
    expect(await closeDays(db.prisma, utc('2027-06-08T23:30:00Z'), clinic.id)).toBe(1); // Wednesday 00:30 local: only Monday is closed
    expect(await closeDays(db.prisma, utc('2027-06-10T23:30:00Z'), clinic.id)).toBe(2); // Friday 00:30: Tuesday and Wednesday (no calls: zeros)
    expect(await closeDays(db.prisma, utc('2027-06-10T23:30:00Z'), clinic.id)).toBe(0);
    const monday = await db.prisma.callStatsDay.findUniqueOrThrow({
      where: { clinicId_day: { clinicId: clinic.id, day: utc('2027-06-07T00:00:00Z') } },
    });
    expect(monday).toMatchObject({ calls: 8, answered: 3, answeredWithin20s: 2, abandoned: 1 });
    // Nothing in a kept day names a caller or a call.
    expect(Object.keys(monday).filter((k) => /number|from|sid|patient|call(Id)?$/i.test(k))).toEqual([]);
  });

  it('every instance schedules the same six-hour run; each run keeps the closed days and schedules the next', async () => {
    const clinic = await seededClinic();
    const now = utc('2027-06-10T13:00:00Z');
    const { ctx } = makeTestApp(db, { clock: testClock(now) });
    await scheduleClosingDays(db.prisma, now);
    await scheduleClosingDays(db.prisma, now); // a second instance starting
    const jobs = () => db.prisma.job.findMany({ where: { kind: 'stats.close-days' }, orderBy: { runAt: 'asc' } });
    expect((await jobs()).filter((j) => j.dedupeKey === 'stats.close-days:2027-06-10T12:00:00.000Z')).toHaveLength(1);
    await statisticsJobs(ctx)['stats.close-days']!({}, { id: 'job', attempt: 1 });
    expect(await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id } })).toBe(2);
    expect((await jobs()).map((j) => j.dedupeKey)).toContain('stats.close-days:2027-06-10T18:00:00.000Z');
  });

  it('only owners read statistics; a bad period is refused naming the field', async () => {
    const clinic = await makeClinic(db.prisma);
    const { app, browser, url } = await ownerOf(clinic.id, utc('2027-06-14T09:00:00Z'));
    const desk = browserAgent(app);
    await desk.signIn(await makeStaff(db.prisma, clinic.id, 'receptionist'));
    expect((await desk.get(url)).status).toBe(403);
    expect((await desk.get(`${url}.csv`)).status).toBe(403);
    const defaults = await browser.get(url);
    // No call yet: the last week (src/statistics/period.ts; test/statistics/period.test.ts has the rest).
    expect(defaults.body).toMatchObject({ from: '2027-06-08', to: '2027-06-14' });
    expect(defaults.body.days).toHaveLength(7);
    expect((await browser.get(`${url}?to=2027-06-14`)).body).toMatchObject({ from: '2027-05-18', to: '2027-06-14' });
    expect((await browser.get(`${url}?from=2027-06-08&to=2027-06-07`)).body.error).toMatchObject({ field: 'from' });
    expect((await browser.get(`${url}?from=2025-01-01&to=2027-06-07`)).body.error).toMatchObject({ field: 'to' });
    expect((await browser.get(`${url}?from=yesterday`)).body.error).toMatchObject({ field: 'from' });
  });

  it('a year before the clinic existed, or after today, costs nothing: zeros, nothing computed or kept', async () => {
    const clinic = await seededClinic();
    const { browser, url } = await ownerOf(clinic.id, utc('2027-06-14T09:00:00Z'));
    for (const [from, to] of [
      ['1990-01-01', '1990-12-31'],
      ['2099-01-01', '2099-12-31'],
    ]) {
      const report = await browser.get(`${url}?from=${from}&to=${to}`);
      expect(report.status).toBe(200);
      expect(report.body.days).toHaveLength(365);
      expect(report.body.totals).toMatchObject({ calls: 0, askedForReception: 0, callBacksRequested: 0 });
    }
    expect(await db.prisma.callStatsDay.count({ where: { clinicId: clinic.id } })).toBe(0);
    // A period reaching into the clinic's life counts and keeps only the days it has lived.
    const straddling = await browser.get(`${url}?from=2026-11-01&to=2027-06-08`);
    expect(straddling.body.totals).toMatchObject({ calls: 9 });
    const kept = (
      await db.prisma.callStatsDay.findMany({ where: { clinicId: clinic.id }, orderBy: { day: 'asc' } })
    ).map((d) => d.day.toISOString().slice(0, 10));
    const born = (await db.prisma.clinic.findUniqueOrThrow({ where: { id: clinic.id } })).createdAt.toLocaleDateString(
      'en-CA',
      { timeZone: 'Europe/London' },
    );
    expect([kept[0], kept.at(-1)]).toEqual([born, '2027-06-08']);
    expect(kept).toHaveLength(Math.round((Date.parse('2027-06-08') - Date.parse(born)) / 86_400_000) + 1);
  });

  it("counts a busy clinic's days exactly across many pages of calls", async () => {
    const clinic = await makeClinic(db.prisma, { timeZone: 'Europe/London' });
    // 2,500 calls over two days (more than a page), and the call-backs of some.
    const start = utc('2027-06-07T07:00:00Z').getTime();
    const calls = Array.from({ length: 2_500 }, (_, i) => ({
      callSid: `CA${(0x5a000000 + i).toString(16).padStart(32, '0')}`,
      clinicId: clinic.id,
      fromNumber: '+447700900123',
      toNumber: clinic.numbers[0]!,
      direction: 'inbound',
      status: 'completed',
      startedAt: new Date(start + i * 60_000),
      outcome: i % 5 === 0 ? 'booked' : 'reception',
      durationSeconds: 60,
    }));
    await db.prisma.call.createMany({ data: calls });
    const { browser, url } = await ownerOf(clinic.id, utc('2027-06-14T09:00:00Z'));
    const report = await browser.get(`${url}?from=2027-06-07&to=2027-06-09`);
    const perDay = (date: string) =>
      calls.filter((c) => c.startedAt.toLocaleDateString('en-CA', { timeZone: 'Europe/London' }) === date);
    expect(report.body.days.map((d: { calls: number; booked: number }) => [d.calls, d.booked])).toEqual(
      ['2027-06-07', '2027-06-08', '2027-06-09'].map((date) => [
        perDay(date).length,
        perDay(date).filter((c) => c.outcome === 'booked').length,
      ]),
    );
    expect(report.body.totals).toMatchObject({ calls: 2_500, booked: 500, callSecondsTotal: 150_000 });
  });

  it('calls through the desk phone count: answered within 20 s, and a hang-up while it rings is abandoned', async () => {
    const line = await clinicLine(db, utc('2027-06-07T08:00:00Z'));
    const { browser, url } = await ownerOf(line.clinic.id, utc('2027-06-07T08:00:00Z'));
    const quick = line.caller('+447700900201');
    await quick.dial();
    await quick.press('3');
    expect(quick.dialled()).toBe('+441632960555');
    // The desk picks up and presses 1 at the whisper: answered (the test clock stands still, so at once).
    await (await quick.deskPicksUp()).press('1');
    await quick.dialEnded('completed', 60);
    const gone = line.caller('+447700900202');
    await gone.dial();
    await gone.press('3');
    await signedTwilioPost(line.app, '/twilio/status', {
      CallSid: gone.sid,
      CallStatus: 'completed',
      CallDuration: '30',
      From: '+447700900202',
      To: line.clinic.numbers[0]!,
    });
    const day = (await browser.get(`${url}?from=2027-06-07&to=2027-06-07`)).body.days[0];
    expect(day).toMatchObject({
      calls: 2,
      askedForReception: 2,
      answered: 1,
      answeredWithin20s: 1,
      abandoned: 1,
      callBacksRequested: 1,
    });
  });
});
