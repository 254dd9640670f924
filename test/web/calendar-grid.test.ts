// The calendar's geometry: wall-clock positions (right across clock changes), lanes for
// overlaps, free gaps, the axis and the drag's snapping.
import fc from 'fast-check';
import {
  addDays,
  axisHours,
  freeGaps,
  instantAt,
  minuteAt,
  placeInLanes,
  spanOn,
  wallClock,
  weekOf,
} from '../../web/src/calendar/grid.js';

const LONDON = 'Europe/London';

describe('Calendar geometry', () => {
  it('places by the wall clock: 09:00 is minute 540 on both sides of the spring and autumn changes', () => {
    expect(wallClock('2027-03-27T09:00:00Z', LONDON)).toEqual({ date: '2027-03-27', minute: 540 });
    expect(wallClock('2027-03-28T08:00:00Z', LONDON)).toEqual({ date: '2027-03-28', minute: 540 });
    expect(wallClock('2027-10-31T09:00:00Z', LONDON)).toEqual({ date: '2027-10-31', minute: 540 });
    expect(wallClock('2027-10-30T08:00:00Z', LONDON)).toEqual({ date: '2027-10-30', minute: 540 });
    // Late evening UTC is already tomorrow in Auckland.
    expect(wallClock('2027-06-07T23:30:00Z', 'Pacific/Auckland')).toEqual({ date: '2027-06-08', minute: 11 * 60 + 30 });
  });

  it('turns a wall-clock time back into its instant, on ordinary and clock-change days', () => {
    expect(instantAt('2027-06-08', 14 * 60, LONDON)).toBe('2027-06-08T13:00:00.000Z');
    expect(instantAt('2027-01-08', 14 * 60, LONDON)).toBe('2027-01-08T14:00:00.000Z');
    expect(instantAt('2027-03-28', 9 * 60, LONDON)).toBe('2027-03-28T08:00:00.000Z');
    expect(instantAt('2027-03-28', 30, LONDON)).toBe('2027-03-28T00:30:00.000Z');
    expect(instantAt('2027-03-28', 90, LONDON)).toBe('2027-03-28T01:30:00.000Z'); // 01:30 does not exist: 02:30 BST
    expect(instantAt('2027-10-31', 90, LONDON)).toBe('2027-10-31T00:30:00.000Z'); // the first 01:30
    expect(instantAt('2027-10-31', 9 * 60, LONDON)).toBe('2027-10-31T09:00:00.000Z');
    expect(instantAt('2027-06-08', 11 * 60, 'Pacific/Auckland')).toBe('2027-06-07T23:00:00.000Z');
    expect(instantAt('2027-06-08', 9 * 60, 'America/New_York')).toBe('2027-06-08T13:00:00.000Z');
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) }),
        fc.constantFrom(LONDON, 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'),
        (t, zone) => {
          const minuteStart = Math.floor(t / 60_000) * 60_000;
          const wall = wallClock(minuteStart, zone);
          const back = new Date(instantAt(wall.date, wall.minute, zone)).getTime();
          // Exact, except the second pass through a repeated autumn hour, which maps to the first.
          expect([0, 3_600_000]).toContain(minuteStart - back);
        },
      ),
    );
  });

  it('reads the wall clock right for any instant, in zones with quarter-hour offsets and half-hour clock changes too (property)', () => {
    const fresh = (t: number, timeZone: string) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(new Date(t))
          .map((p) => [p.type, p.value]),
      );
      return {
        date: `${parts.year}-${parts.month}-${parts.day}`,
        minute: Number(parts.hour) * 60 + Number(parts.minute),
      };
    };
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) }),
        fc.constantFrom(LONDON, 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'),
        (t, zone) => {
          expect(wallClock(t, zone)).toEqual(fresh(t, zone));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('clips a range to the day it is drawn on, and leaves out ranges that miss it', () => {
    const closure = ['2027-06-07T15:00:00Z', '2027-06-09T10:00:00Z'] as const; // 16:00 Monday to 11:00 Wednesday, BST
    expect(spanOn('2027-06-07', ...closure, LONDON)).toEqual({ from: 16 * 60, to: 24 * 60 });
    expect(spanOn('2027-06-08', ...closure, LONDON)).toEqual({ from: 0, to: 24 * 60 });
    expect(spanOn('2027-06-09', ...closure, LONDON)).toEqual({ from: 0, to: 11 * 60 });
    expect(spanOn('2027-06-10', ...closure, LONDON)).toBeNull();
    // Ending exactly at midnight does not reach into the next day.
    expect(spanOn('2027-06-08', '2027-06-07T22:00:00Z', '2027-06-07T23:00:00Z', LONDON)).toBeNull();
  });

  it('puts overlapping items side by side and everything else full width', () => {
    const placed = placeInLanes([
      { from: 540, to: 570, item: 'a' },
      { from: 555, to: 600, item: 'b' },
      { from: 570, to: 585, item: 'c' },
      { from: 600, to: 630, item: 'd' },
    ]);
    const byItem = Object.fromEntries(placed.map((p) => [p.item, [p.lane, p.lanes]]));
    expect(byItem).toEqual({ a: [0, 2], b: [1, 2], c: [0, 2], d: [0, 1] });
  });

  it('never lets two overlapping items share a lane (property)', () => {
    const span = fc
      .tuple(fc.integer({ min: 0, max: 1400 }), fc.integer({ min: 5, max: 120 }))
      .map(([from, length]) => ({ from, to: from + length }));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 30 }), (spans) => {
        const placed = placeInLanes(spans.map((s, i) => ({ ...s, item: i })));
        expect(placed).toHaveLength(spans.length);
        for (const a of placed)
          for (const b of placed) {
            if (a === b) continue;
            if (a.from < b.to && b.from < a.to) {
              expect(a.lane === b.lane).toBe(false);
              expect(a.lanes).toBe(b.lanes);
            }
          }
        for (const p of placed) expect(p.lane).toBeLessThan(p.lanes);
      }),
    );
  });

  it('finds the free gaps in working time, after now, at least a slot long', () => {
    const working = [
      { from: 540, to: 780 },
      { from: 840, to: 1020 },
    ]; // 09:00–13:00 and 14:00–17:00
    const taken = [
      { from: 540, to: 600 },
      { from: 660, to: 675 },
      { from: 685, to: 700 }, // leaves 10 minutes before it: too short to show
      { from: 900, to: 960 },
    ];
    expect(freeGaps(working, taken)).toEqual([
      { from: 600, to: 660 },
      { from: 700, to: 780 },
      { from: 840, to: 900 },
      { from: 960, to: 1020 },
    ]);
    expect(freeGaps(working, taken, 930)).toEqual([{ from: 960, to: 1020 }]);
    expect(freeGaps(working, [{ from: 0, to: 1440 }])).toEqual([]);
  });

  it('draws whole hours around what is shown, and snaps a drag to the quarter hour on the axis', () => {
    expect(axisHours([])).toEqual({ from: 480, to: 1080 });
    expect(
      axisHours([
        { from: 510, to: 1020 },
        { from: 600, to: 1095 },
      ]),
    ).toEqual({ from: 480, to: 1140 });
    const axis = { from: 480, to: 1080 };
    expect(minuteAt(0, axis, 1)).toBe(480);
    expect(minuteAt(97, axis, 1)).toBe(570); // 09:37 → 09:30
    expect(minuteAt(98, axis, 1)).toBe(585); // 09:38 → 09:45
    expect(minuteAt(-50, axis, 1)).toBe(480);
    expect(minuteAt(10_000, axis, 1)).toBe(1065);
  });

  it('knows the week around a date, Monday first, and moves dates by days', () => {
    expect(weekOf('2027-03-25')).toEqual([
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25',
      '2027-03-26',
      '2027-03-27',
      '2027-03-28',
    ]);
    expect(weekOf('2027-03-28')[0]).toBe('2027-03-22');
    expect(addDays('2027-03-28', 1)).toBe('2027-03-29');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
  });
});
