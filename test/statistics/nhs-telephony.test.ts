import fc from 'fast-check';
import {
  addCall,
  bandOf,
  cbtClass,
  cbtIndicators,
  emptyCbtDay,
  NHS_TIME_BANDS,
  type NhsCallFacts,
  nhsMonthRows,
  sumCbt,
} from '../../src/statistics/nhs-telephony.js';

const LONDON = 'Europe/London';
// Monday 7 June 2027 in London (BST): local = UTC + 1.
const local = (hhmm: string) => new Date(`2027-06-07T${hhmm}:00+01:00`);
const after = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

function call(over: Partial<NhsCallFacts> = {}): NhsCallFacts {
  return {
    startedAt: local('09:00'),
    direction: 'inbound',
    outcome: null,
    queuedAt: null,
    answeredAt: null,
    queueStatus: null,
    endedAt: after(local('09:00'), 60),
    ...over,
  };
}

describe("NHS England's cloud-based telephony classes", () => {
  it('puts every edge in exactly one class, as README documents', () => {
    const asked = after(local('09:00'), 20);
    const cases: Array<[string, NhsCallFacts, string | null]> = [
      ['a self-service booking', call({ outcome: 'booked' }), 'CBT002'],
      ['a hang-up in the menu', call(), 'CBT002'],
      ['the opening hours, then goodbye', call({ outcome: null }), 'CBT002'],
      ['out of hours, a message left', call({ outcome: 'voicemail' }), 'CBT002'],
      ['out of hours, no message', call({ outcome: 'out_of_hours' }), 'CBT002'],
      [
        'answered in the browser',
        call({ queuedAt: asked, answeredAt: after(asked, 30), queueStatus: 'answered', outcome: 'reception' }),
        'CBT003',
      ],
      [
        'the desk phone, 1 pressed',
        call({ queuedAt: asked, answeredAt: after(asked, 8), queueStatus: 'answered', outcome: 'reception' }),
        'CBT003',
      ],
      ['hung up waiting', call({ queuedAt: asked, queueStatus: 'abandoned', outcome: 'abandoned' }), 'CBT004'],
      ['the longest wait, a message', call({ queuedAt: asked, queueStatus: 'left', outcome: 'voicemail' }), 'CBT004'],
      ['nobody free, no message', call({ queuedAt: asked, outcome: 'missed' }), 'CBT004'],
      ['the desk unanswered (or its own voicemail)', call({ queuedAt: asked, queueStatus: 'left' }), 'CBT004'],
      [
        'urgent in hours, then the queue, answered',
        call({ queuedAt: asked, answeredAt: asked, queueStatus: 'answered' }),
        'CBT003',
      ],
      ['our line never answered (the fallback forwarded)', call({ outcome: 'failed' }), 'CBT004'],
      ['a call-back asked for in the queue', call({ queuedAt: asked, queueStatus: 'call_back' }), 'CBT005'],
      ['staff ringing a patient back', call({ direction: 'outbound', outcome: 'call_back' }), null],
    ];
    for (const [what, facts, expected] of cases) expect([what, cbtClass(facts)]).toEqual([what, expected]);
  });

  it("bands by the clinic's local start time, with core hours ending at 18:30", () => {
    const band = (hhmm: string) => NHS_TIME_BANDS[bandOf(local(hhmm), LONDON)]!.label;
    expect(band('00:00')).toBe('00:00 - 05:59');
    expect(band('05:59')).toBe('00:00 - 05:59');
    expect(band('07:59')).toBe('06:00 - 07:59');
    expect(band('08:00')).toBe('08:00 - 09:59');
    expect(band('18:29')).toBe('18:00 - 18:29');
    expect(band('18:30')).toBe('18:30 - 23:59');
    expect(band('23:59')).toBe('18:30 - 23:59');
  });

  it('sorts waits and durations into the published buckets (a minute exactly is within a minute)', () => {
    const day = emptyCbtDay();
    const asked = local('10:00');
    for (const [wait, talk] of [
      [60, 60],
      [61, 61],
      [300, 300],
      [301, 1200],
    ] as const)
      addCall(
        day,
        call({
          startedAt: asked,
          queuedAt: asked,
          answeredAt: after(asked, wait),
          endedAt: after(asked, wait + talk),
          queueStatus: 'answered',
        }),
        LONDON,
      );
    expect(day.answeredByWait).toEqual([1, 1, 1, 1]);
    expect(day.answeredByDuration).toEqual([1, 1, 1, 1]);
    addCall(day, call({ startedAt: asked, queuedAt: asked, endedAt: after(asked, 90), outcome: 'abandoned' }), LONDON);
    expect(day.missedByWait).toEqual([0, 1, 0, 0]);
  });

  it('over any mix of calls: CBT001 = CBT002 + CBT003 + CBT004 + CBT005, CBT007 = CBT003, every bucket sums to its class, and a month is the sum of its days', () => {
    const start = Date.parse('2027-06-01T00:00:00Z');
    const facts = fc
      .record({
        startOffset: fc.integer({ min: 0, max: 30 * 86_400 - 1 }),
        direction: fc.constantFrom('inbound', 'inbound', 'inbound', 'outbound'),
        outcome: fc.constantFrom(
          null,
          'booked',
          'voicemail',
          'missed',
          'abandoned',
          'failed',
          'out_of_hours',
          'reception',
        ),
        askedAfter: fc.option(fc.integer({ min: 0, max: 120 })),
        answeredAfter: fc.option(fc.integer({ min: 0, max: 900 })),
        talk: fc.integer({ min: 0, max: 1800 }),
        queueStatus: fc.constantFrom(null, 'waiting', 'answered', 'left', 'abandoned', 'desk', 'call_back'),
      })
      .map((r): NhsCallFacts => {
        const startedAt = new Date(start + r.startOffset * 1000);
        const queuedAt = r.askedAfter === null ? null : after(startedAt, r.askedAfter);
        const answeredAt = queuedAt && r.answeredAfter !== null ? after(queuedAt, r.answeredAfter) : null;
        return {
          startedAt,
          direction: r.direction,
          outcome: r.outcome,
          queuedAt,
          answeredAt,
          queueStatus: r.queueStatus,
          endedAt: after(answeredAt ?? queuedAt ?? startedAt, r.talk),
        };
      });
    fc.assert(
      fc.property(fc.array(facts, { maxLength: 300 }), (calls) => {
        const byDay = new Map<string, ReturnType<typeof emptyCbtDay>>();
        const month = emptyCbtDay();
        for (const c of calls) {
          const date = c.startedAt.toLocaleDateString('en-CA', { timeZone: LONDON });
          if (!byDay.has(date)) byDay.set(date, emptyCbtDay());
          addCall(byDay.get(date)!, c, LONDON);
          addCall(month, c, LONDON);
        }
        const i = cbtIndicators(month);
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(i.CBT001).toBe(calls.filter((c) => c.direction === 'inbound').length);
        expect(i.CBT001).toBe(i.CBT002 + i.CBT003 + i.CBT004 + i.CBT005);
        expect(i.CBT007).toBe(i.CBT003);
        expect(sum(month.answeredByWait)).toBe(i.CBT003);
        expect(sum(month.missedByWait)).toBe(i.CBT004);
        month.byBand.CBT001.forEach((n, band) =>
          expect(n).toBe(
            month.byBand.CBT002[band]! +
              month.byBand.CBT003[band]! +
              month.byBand.CBT004[band]! +
              month.byBand.CBT005[band]!,
          ),
        );
        expect(sumCbt([...byDay.values()])).toEqual(month);
        // The CSV's rows add up to the same indicators.
        const rows = nhsMonthRows(
          'A81001',
          [...byDay].map(([date, cbt]) => ({ date, cbt })),
        );
        const csvTotal = (indicator: string, breakdown: string) =>
          sum(rows.filter((r) => r[2] === indicator && r[3] === breakdown).map((r) => r[5] as number));
        expect(csvTotal('CBT001', 'Time_Category')).toBe(i.CBT001);
        expect(csvTotal('CBT003', 'Wait_Time')).toBe(i.CBT003);
        expect(csvTotal('CBT007', 'Duration')).toBe(i.CBT007);
      }),
      { numRuns: 200 },
    );
  });
});
