// The database's answer to "whom does a free receptionist serve next?" is the rule's
// (next-caller.ts): random queues of callers on the line (waiting, being answered, gone)
// and call-backs (due, waiting out a gap or a window, in hand, left on the list, done),
// written as rows, asked of the database, and compared with the pure rule on the same facts.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { nextToServe, type Waiting } from '../../src/reception/next-caller.js';
import { nextInLine } from '../../src/reception/serving-order.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';
import { makeClinic } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';

const T0 = Date.parse('2027-06-07T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

type Row =
  | { kind: 'caller'; joined: number; state: 'waiting' | 'claimed' | 'gone' }
  | {
      kind: 'call-back';
      joined: number;
      state: 'waiting' | 'reserved' | 'ringing' | 'listed' | 'done';
      notBefore: number | null;
    };

// Joined times from a small range, so ties (decided by id) happen.
const row: fc.Arbitrary<Row> = fc.oneof(
  fc.record({
    kind: fc.constant('caller' as const),
    joined: fc.integer({ min: 0, max: 30 }),
    state: fc.constantFrom('waiting' as const, 'claimed' as const, 'gone' as const),
  }),
  fc.record({
    kind: fc.constant('call-back' as const),
    joined: fc.integer({ min: 0, max: 30 }),
    state: fc.constantFrom(
      'waiting' as const,
      'waiting' as const,
      'reserved' as const,
      'ringing' as const,
      'listed' as const,
      'done' as const,
    ),
    notBefore: fc.option(fc.integer({ min: 0, max: 60 })),
  }),
);

describe.each(databaseKinds())('The next to serve, asked of the database (%s database)', (kind) => {
  let db: TestDatabase;
  let clinicId: string;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    clinicId = (await makeClinic(db.prisma)).id;
  });
  afterAll(() => db.drop());

  /** Writes the rows as the service would hold them; returns the facts the pure rule is given. */
  async function write(rows: Row[]): Promise<Waiting[]> {
    await db.prisma.callBack.deleteMany({ where: { clinicId } });
    await db.prisma.call.deleteMany({ where: { clinicId } });
    const facts: Waiting[] = [];
    for (const [n, r] of rows.entries()) {
      const id = randomUUID();
      const call = {
        id,
        callSid: 'CA' + randomBytes(16).toString('hex'),
        clinicId,
        fromNumber: `+447700900${String(100 + n)}`,
        toNumber: '+442079460000',
        direction: 'inbound',
        status: 'in-progress',
        startedAt: at(r.joined - 30),
        queuedAt: at(r.joined),
      };
      if (r.kind === 'caller') {
        await db.prisma.call.create({
          data: {
            ...call,
            queueStatus: r.state === 'gone' ? 'abandoned' : r.state,
            endedAt: r.state === 'gone' ? at(r.joined + 5) : null,
          },
        });
        if (r.state !== 'gone')
          facts.push({ id, kind: 'caller', joinedAt: at(r.joined), notBefore: null, taken: r.state === 'claimed' });
        continue;
      }
      await db.prisma.call.create({
        data: { ...call, queueStatus: 'call_back', endedAt: at(r.joined + 60) },
      });
      const entry = await db.prisma.callBack.create({
        data: {
          clinicId,
          callId: id,
          reason: 'requested',
          fromNumber: call.fromNumber,
          requestedInQueue: true,
          joinedQueueAt: at(r.joined),
          ringNumber: call.fromNumber,
          ringState: r.state,
          notBefore: r.notBefore === null ? null : at(r.notBefore),
          doneAt: r.state === 'done' ? at(r.joined + 90) : null,
        },
      });
      if (r.state !== 'listed' && r.state !== 'done')
        facts.push({
          id: entry.id,
          kind: 'call-back',
          joinedAt: at(r.joined),
          notBefore: r.notBefore === null ? null : at(r.notBefore),
          taken: r.state !== 'waiting',
        });
    }
    return facts;
  }

  it('agrees with the rule on random queues, at random moments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.integer({ min: 0, max: 70 }), async (rows, nowAt) => {
        const facts = await write(rows);
        const expected = nextToServe(facts, at(nowAt));
        const found = await nextInLine(db, clinicId, at(nowAt));
        expect(found && { kind: found.kind, id: found.id, joinedAt: found.joinedAt.toISOString() }).toEqual(
          expected && { kind: expected.kind, id: expected.id, joinedAt: expected.joinedAt.toISOString() },
        );
      }),
      { numRuns: 40 },
    );
  });

  it("never looks at another clinic's queue", async () => {
    await write([{ kind: 'caller', joined: 0, state: 'waiting' }]);
    const other = (await makeClinic(db.prisma)).id;
    expect(await nextInLine(db, other, at(10))).toBeNull();
    expect(await nextInLine(db, clinicId, at(10))).toMatchObject({ kind: 'caller' });
  });
});
