// The call-back list worked at the desk: taking an entry (told to every desk), tries
// logged by hand beside the dialler's, closing with a reason; another clinic's entries
// and people are out of reach, and a closed entry takes no more work.
import type { AppEvent } from '../../src/core/events.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { makeDiary } from '../helpers/diary.js';
import { browserAgent, makeStaff } from '../helpers/fixtures.js';

const NOW = new Date('2027-06-07T09:00:00Z');
let seq = 0;

describe('The call-back list at the desk', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('embedded');
  });
  afterAll(() => db.drop());

  async function scene() {
    const { clinic } = await makeDiary(db.prisma);
    const testApp = makeTestApp(db, { clock: testClock(NOW) });
    const events: AppEvent[] = [];
    testApp.ctx.events.subscribe((e) => events.push(e));
    const anna = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const ben = await makeStaff(db.prisma, clinic.id, 'receptionist');
    const desk = browserAgent(testApp.app);
    await desk.signIn(anna);
    const call = await db.prisma.call.create({
      data: {
        callSid: `CA${String(++seq).padStart(32, 'd')}`,
        clinicId: clinic.id,
        fromNumber: '+447700900123',
        toNumber: clinic.numbers[0]!,
        direction: 'inbound',
        status: 'completed',
        startedAt: NOW,
        outcome: 'abandoned',
      },
    });
    const entry = await db.prisma.callBack.create({
      data: { clinicId: clinic.id, callId: call.id, reason: 'abandoned', fromNumber: '+447700900123' },
    });
    const base = `/api/clinics/${clinic.id}/call-backs`;
    const listed = async () =>
      (await desk.get(base)).body.callBacks.find((c: { id: string }) => c.id === entry.id) as {
        assignedTo: { userId: string; email: string } | null;
        tries: Array<{ result: string; note: string | null; byHand: boolean; email: string }>;
      };
    return { clinic, anna, ben, desk, entry, base, events, listed };
  }

  it('takes an entry, hands it to a colleague, logs tries with notes and closes it with a reason', async () => {
    const { desk, base, entry, anna, ben, events, listed, clinic } = await scene();
    expect((await desk.send('put', `${base}/${entry.id}/assignee`, { userId: anna.userId })).status).toBe(200);
    expect((await listed()).assignedTo).toEqual({ userId: anna.userId, email: anna.email, name: null });
    expect(events.filter((e) => e.name === 'callback.worked')).toHaveLength(1);
    await desk.send('put', `${base}/${entry.id}/assignee`, { userId: ben.userId });
    expect((await listed()).assignedTo?.email).toBe(ben.email);

    const tried = await desk.send('post', `${base}/${entry.id}/attempts`, {
      result: 'no_answer',
      note: 'Rang the mobile at 10',
    });
    expect(tried.status).toBe(201);
    await desk.send('post', `${base}/${entry.id}/attempts`, { result: 'left_message' });
    expect((await listed()).tries).toEqual([
      expect.objectContaining({ result: 'no_answer', note: 'Rang the mobile at 10', byHand: true, email: anna.email }),
      expect.objectContaining({ result: 'left_message', note: null, byHand: true }),
    ]);
    // Tries by hand leave the dialler's own count alone.
    expect((await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).attemptsMade).toBe(0);

    const closed = await desk.send('post', `${base}/${entry.id}/done`, { reason: 'could_not_reach' });
    expect(closed.status).toBe(200);
    expect(await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).toMatchObject({
      closedBecause: 'could_not_reach',
      doneBy: anna.userId,
    });
    const done = (await desk.get(`${base}?status=done`)).body.callBacks[0];
    expect(done.done).toMatchObject({ because: 'could_not_reach', email: anna.email });
    // Closed: no more work on it.
    const late = await desk.send('post', `${base}/${entry.id}/attempts`, { result: 'busy' });
    expect([late.status, late.body.error.code]).toEqual([409, 'already_done']);
    expect(
      await db.prisma.auditEntry.findMany({
        where: { clinicId: clinic.id, subjectId: entry.id },
        select: { action: true },
        orderBy: { at: 'asc' },
      }),
    ).toEqual([
      { action: 'callback.assigned' },
      { action: 'callback.assigned' },
      { action: 'callback.try_logged' },
      { action: 'callback.try_logged' },
    ]);
  });

  it("bad input is a 400 naming the field; another clinic's entry or person is 404 and changes nothing", async () => {
    const { desk, base, entry } = await scene();
    const other = await scene();
    const cases: Array<[string, string, object, number, string | undefined]> = [
      ['post', `${base}/${entry.id}/attempts`, { result: 'gave_up' }, 400, 'result'],
      ['post', `${base}/${entry.id}/attempts`, { result: 'busy', note: 'x'.repeat(501) }, 400, 'note'],
      ['post', `${base}/${entry.id}/done`, { reason: 'bored' }, 400, 'reason'],
      ['put', `${base}/${entry.id}/assignee`, { userId: 'anna' }, 400, 'userId'],
      ['put', `${base}/${entry.id}/assignee`, { userId: other.anna.userId }, 404, 'userId'],
      ['put', `${base}/${other.entry.id}/assignee`, { userId: null }, 404, undefined],
      ['post', `${base}/${other.entry.id}/attempts`, { result: 'busy' }, 404, undefined],
    ];
    for (const [method, url, input, status, field] of cases) {
      const res = await desk.send(method as 'post', url, input);
      expect([url.includes(other.entry.id) ? 'theirs' : 'ours', res.status, res.body.error?.field]).toEqual([
        url.includes(other.entry.id) ? 'theirs' : 'ours',
        status,
        field,
      ]);
    }
    expect(await db.prisma.callBackAttempt.count({ where: { callBackId: { in: [entry.id, other.entry.id] } } })).toBe(
      0,
    );
    expect((await db.prisma.callBack.findUniqueOrThrow({ where: { id: entry.id } })).assignedTo).toBeNull();
  });
});
