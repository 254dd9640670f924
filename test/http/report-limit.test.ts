import { TooMany } from '../../src/core/errors.js';
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { reportLimiter, REPORTS_PER_PERSON } from '../../src/http/report-limit.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';

describe('Reports and exports, per person', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  const request = (userId: string) => ({ session: { user: { id: userId } } }) as unknown as Request;
  const response = () => new EventEmitter() as unknown as Response & EventEmitter;

  it("one at a time each: a second while the first is being made is refused with 429; someone else's goes ahead", async () => {
    const { ctx } = makeTestApp(db, { clock: testClock() });
    const limit = reportLimiter(ctx);
    const first = response();
    let passed = 0;
    await limit(request('0190f0f0-0000-7000-8000-00000000000a'), first, () => void passed++);
    const refused = await Promise.resolve(
      limit(request('0190f0f0-0000-7000-8000-00000000000a'), response(), () => void passed++),
    ).then(
      () => null,
      (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(TooMany); // 429 at the HTTP edge, with Retry-After
    expect(refused).toMatchObject({ code: 'report_running', retryAfterSeconds: 5 });
    await limit(request('0190f0f0-0000-7000-8000-00000000000b'), response(), () => void passed++);
    first.emit('close'); // the first download ended (or was abandoned)
    await limit(request('0190f0f0-0000-7000-8000-00000000000a'), response(), () => void passed++);
    expect(passed).toBe(3);
  });

  it(`at most ${REPORTS_PER_PERSON.points} a minute each, across every report and export`, async () => {
    const clinic = await makeClinic(db.prisma);
    const clock = testClock(new Date('2027-06-07T09:00:00Z'));
    const owner = browserAgent(makeTestApp(db, { clock }).app);
    await owner.signIn(await makeStaff(db.prisma, clinic.id, 'owner'));
    const base = `/api/clinics/${clinic.id}`;
    const urls = [`${base}/statistics`, `${base}/statistics.csv`, `${base}/calls.csv`, `${base}/export.zip`];
    const statuses: number[] = [];
    for (let i = 0; i < REPORTS_PER_PERSON.points; i++) statuses.push((await owner.get(urls[i % urls.length]!)).status);
    expect(statuses).toEqual(Array(REPORTS_PER_PERSON.points).fill(200));
    const refused = await owner.get(`${base}/statistics`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/Too many reports/);
    // Not the rest of the dashboard: the call log itself still answers.
    expect((await owner.get(`${base}/calls`)).status).toBe(200);
    clock.advance(REPORTS_PER_PERSON.windowMs + 1);
    expect((await owner.get(`${base}/statistics`)).status).toBe(200);
  });
});
