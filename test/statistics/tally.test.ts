import { figuresOf, sumTotals, tallyDay, type CallFacts } from '../../src/statistics/tally.js';

const at = (iso: string) => new Date(iso);
const call = (startedAt: string, facts: Partial<CallFacts> = {}): CallFacts => ({
  startedAt: at(startedAt),
  direction: 'inbound',
  outcome: null,
  queuedAt: null,
  answeredAt: null,
  queueStatus: null,
  endedAt: null,
  durationSeconds: null,
  ...facts,
});
const plus = (iso: string, seconds: number) => new Date(at(iso).getTime() + seconds * 1000);

// Sunday 28 March 2027 in London: the clocks go forward at 01:00, so the day has 23 hours.
const day = { from: at('2027-03-28T00:00:00Z'), to: at('2027-03-28T23:00:00Z'), timeZone: 'Europe/London' };

describe('Tallying a day of calls', () => {
  it("puts each call in the local hour it started, across a clock change, and only the day's own", () => {
    const t = tallyDay(
      [
        call('2027-03-28T00:30:00Z'),
        call('2027-03-28T01:30:00Z'),
        call('2027-03-28T22:59:59Z'),
        call('2027-03-28T23:00:00Z'),
        call('2027-03-27T23:59:59Z'),
      ],
      [],
      day,
    );
    expect(t.calls).toBe(3);
    // 00:30 GMT, 02:30 BST (01:30 UTC), 23:59 BST.
    expect(t.callsByHour.flatMap((n, hour) => (n ? [[hour, n]] : []))).toEqual([
      [0, 1],
      [2, 1],
      [23, 1],
    ]);
  });

  it('counts answers within 20 seconds of asking for a person, abandonments and their waits, against those who asked', () => {
    const q = '2027-03-28T09:00:00Z';
    const t = tallyDay(
      [
        call(q, {
          queuedAt: at(q),
          answeredAt: plus(q, 20),
          queueStatus: 'answered',
          outcome: 'reception',
          durationSeconds: 100,
        }),
        call(q, {
          queuedAt: at(q),
          answeredAt: plus(q, 21),
          queueStatus: 'answered',
          outcome: 'reception',
          durationSeconds: 200,
        }),
        call(q, {
          queuedAt: at(q),
          endedAt: plus(q, 50),
          queueStatus: 'abandoned',
          outcome: 'abandoned',
          durationSeconds: 60,
        }),
        call(q, { queuedAt: at(q), queueStatus: 'abandoned', outcome: 'abandoned' }),
        call(q, { queuedAt: at(q), queueStatus: 'left', outcome: 'voicemail', urgent: true }),
        call(q, { outcome: 'booked', durationSeconds: 90 }),
        call(q, { outcome: 'abandoned' }), // out of hours, hung up at the tone: not a wait for a person
        call(q, { direction: 'outbound', outcome: 'call_back', durationSeconds: 500 }),
      ],
      [
        { createdAt: at(q), doneAt: null },
        { createdAt: at('2027-03-27T12:00:00Z'), doneAt: at(q) },
      ],
      day,
    );
    expect(t).toMatchObject({
      calls: 7,
      askedForReception: 5,
      answered: 2,
      answeredWithin20s: 1,
      answerSecondsTotal: 41,
      longestAnswerSeconds: 21,
      abandoned: 2,
      abandonedWaitSecondsTotal: 50,
      abandonedWaitCount: 1,
      voicemails: 1,
      booked: 1,
      callBacksRequested: 1,
      callBacksMade: 1,
      callSecondsTotal: 450,
      callSecondsCount: 4,
      urgent: 1,
    });
    expect(figuresOf(t)).toEqual({
      answeredWithin20sRate: 0.2,
      abandonmentRate: 0.4,
      averageAnswerSeconds: 21,
      averageAbandonedWaitSeconds: 50,
      averageCallSeconds: 113,
      bookedOrChanged: 1,
    });
  });

  it('sums days exactly (the longest wait is the longest of any day) and has no figure for nothing', () => {
    const a = tallyDay(
      [
        call('2027-03-28T09:00:00Z', {
          queuedAt: at('2027-03-28T09:00:00Z'),
          answeredAt: at('2027-03-28T09:00:30Z'),
          queueStatus: 'answered',
        }),
      ],
      [],
      day,
    );
    const b = tallyDay(
      [
        call('2027-03-28T10:00:00Z', {
          queuedAt: at('2027-03-28T10:00:00Z'),
          answeredAt: at('2027-03-28T10:00:10Z'),
          queueStatus: 'answered',
        }),
      ],
      [],
      day,
    );
    const both = sumTotals([a, b]);
    expect(both).toMatchObject({
      calls: 2,
      answered: 2,
      answeredWithin20s: 1,
      answerSecondsTotal: 40,
      longestAnswerSeconds: 30,
    });
    expect(both.callsByHour[10]).toBe(1);
    expect(figuresOf(sumTotals([]))).toEqual({
      answeredWithin20sRate: null,
      abandonmentRate: null,
      averageAnswerSeconds: null,
      averageAbandonedWaitSeconds: null,
      averageCallSeconds: null,
      bookedOrChanged: 0,
    });
  });
});
