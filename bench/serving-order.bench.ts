// Whom a receptionist who has just become free serves next, on PostgreSQL: 1,000 callers
// queued and 300 call-backs asked for from the queue (some waiting out a retry gap or a
// chosen window, some in hand), in a clinic with a year of ended calls. The service's
// query (serving-order.ts) against a plain SELECT … ORDER BY … LIMIT 1 of the queue in the
// same run, interleaved, p99 (goal: at most twice); and, for reference, the way it was
// chosen before (every waiting row read and ordered in memory).
import { nextToServe, type Waiting } from '../src/reception/next-caller.js';
import { nextInLine } from '../src/reception/serving-order.js';
import { withBenchDatabase } from './postgres.js';
import type { Figure } from './run.js';
import { interleaved, p99, timeOnce } from './timing.js';

const QUEUED = 1_000;
const CALL_BACKS = 300;
const HISTORY = 200_000;
const ROUNDS = 3_000;

export async function servingOrderBenchmarks(): Promise<Figure[]> {
  const figures = await withBenchDatabase('serving-order', 2, async (db): Promise<Figure[]> => {
    const now = new Date('2027-06-07T10:00:00Z');
    const [clinic] = await db.sql<{ id: string }>(
      `INSERT INTO "Clinic" ("id", "name", "timeZone") VALUES (gen_random_uuid(), 'Bench Clinic', 'Europe/London') RETURNING "id"::text AS "id"`,
    );
    const clinicId = clinic!.id;
    // A year of ended calls, then the queue: waiting callers (every tenth being answered) a second apart.
    await db.sql(
      `INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt", "endedAt", "outcome")
       SELECT gen_random_uuid(), 'CAhist' || g, $1::uuid, '+447700' || lpad((g % 900000)::text, 6, '0'), '+442079460000', 'inbound', 'completed',
         $2::timestamp - (g || ' minutes')::interval, $2::timestamp - (g || ' minutes')::interval + interval '2 minutes', 'reception'
       FROM generate_series(1, ${HISTORY}) g`,
      [clinicId, new Date(now.getTime() - 3_600_000)],
    );
    await db.sql(
      `INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt", "queuedAt", "queueStatus")
       SELECT gen_random_uuid(), 'CAq' || g, $1::uuid, '+447800' || lpad(g::text, 6, '0'), '+442079460000', 'inbound', 'in-progress',
         $2::timestamp + (g || ' seconds')::interval, $2::timestamp + (g || ' seconds')::interval,
         CASE WHEN g % 10 = 0 THEN 'claimed' ELSE 'waiting' END
       FROM generate_series(1, ${QUEUED}) g`,
      [clinicId, new Date(now.getTime() - 2 * 3_600_000)],
    );
    // Call-backs asked for from the queue, joined among those callers (each from a call of its own
    // that ended); a third waiting out a gap or a window, a tenth in hand, the rest due.
    await db.sql(
      `WITH calls AS (
         INSERT INTO "Call" ("id", "callSid", "clinicId", "fromNumber", "toNumber", "direction", "status", "startedAt", "endedAt", "queuedAt", "queueStatus", "outcome")
         SELECT gen_random_uuid(), 'CAcb' || g, $1::uuid, '+447900' || lpad(g::text, 6, '0'), '+442079460000', 'inbound', 'completed',
           $2::timestamp + (g * 3 || ' seconds')::interval, $3::timestamp, $2::timestamp + (g * 3 || ' seconds')::interval, 'call_back', 'call_back_requested'
         FROM generate_series(1, ${CALL_BACKS}) g RETURNING "id", "fromNumber", "queuedAt"
       )
       INSERT INTO "CallBack" ("id", "clinicId", "callId", "reason", "fromNumber", "createdAt", "requestedInQueue", "joinedQueueAt", "ringNumber", "ringState", "notBefore")
       SELECT gen_random_uuid(), $1::uuid, c."id", 'requested', c."fromNumber", $3::timestamp, true, c."queuedAt", c."fromNumber",
         CASE WHEN row_number() OVER () % 10 = 0 THEN 'ringing' ELSE 'waiting' END,
         CASE WHEN row_number() OVER () % 3 = 0 THEN $3::timestamp + interval '10 minutes' ELSE NULL END
       FROM calls c`,
      [clinicId, new Date(now.getTime() - 2 * 3_600_000 - 30_000), now],
    );
    await db.sql('ANALYZE');

    const plain = {
      name: 'plain-next',
      text: `SELECT "id" FROM "Call" WHERE "clinicId" = $1::uuid AND "queueStatus" = 'waiting' ORDER BY "queuedAt" LIMIT 1`,
    };
    /** The way it was chosen before this query: every waiting row of both kinds, ordered in memory. */
    const inMemory = async () => {
      const [callers, callBacks] = await Promise.all([
        db.prisma.call.findMany({
          where: { clinicId, queueStatus: { in: ['waiting', 'claimed'] }, endedAt: null },
          select: { id: true, queuedAt: true, queueStatus: true },
        }),
        db.prisma.callBack.findMany({
          where: {
            clinicId,
            requestedInQueue: true,
            doneAt: null,
            ringState: { in: ['waiting', 'reserved', 'ringing'] },
          },
          select: { id: true, joinedQueueAt: true, notBefore: true, ringState: true },
        }),
      ]);
      const waiting: Waiting[] = [
        ...callers.map((c) => ({
          id: c.id,
          kind: 'caller' as const,
          joinedAt: c.queuedAt ?? now,
          notBefore: null,
          taken: c.queueStatus === 'claimed',
        })),
        ...callBacks.map((b) => ({
          id: b.id,
          kind: 'call-back' as const,
          joinedAt: b.joinedQueueAt ?? now,
          notBefore: b.notBefore,
          taken: b.ringState !== 'waiting',
        })),
      ];
      return nextToServe(waiting, now);
    };
    // The three agree on who is next before anything is timed.
    const expected = await inMemory();
    const found = await nextInLine(db, clinicId, now);
    if (found?.id !== expected?.id) throw new Error(`the query chose ${found?.id}, the rule ${expected?.id}`);

    for (let i = 0; i < 200; i++) await Promise.all([nextInLine(db, clinicId, now), db.sql(plain, [clinicId])]); // warm
    const { ours, baseline } = await interleaved(
      ROUNDS,
      () => nextInLine(db, clinicId, now),
      () => db.sql(plain, [clinicId]),
    );
    // Apart, after: its garbage would otherwise land on whichever query ran next.
    const before: number[] = [];
    for (let i = 0; i < ROUNDS / 10; i++) before.push(await timeOnce(inMemory));
    const label = `plain SELECT … ORDER BY … LIMIT 1 of the queue, p99`;
    return [
      {
        figure: `next to serve among ${QUEUED} queued and ${CALL_BACKS} call-backs (PostgreSQL), p99`,
        value: p99(ours),
        unit: 'ms',
        baseline: p99(baseline),
        baselineLabel: label,
        goal: { max: 2, of: 'ratio' },
      },
      {
        figure: 'the same, chosen as before (every waiting row ordered in memory), p99',
        value: p99(before),
        unit: 'ms',
        baseline: p99(baseline),
        baselineLabel: label,
      },
    ];
  });
  return figures ?? [];
}
