import fc from 'fast-check';
import { DateTime } from 'luxon';
import { findFreeSlots, IntervalSet, type PractitionerDiary, type SlotQuery } from '../../src/diary/slots.js';
import type { WeeklyRange } from '../../src/diary/local-time.js';

const everyDay = (startMinute: number, endMinute: number): WeeklyRange[] =>
  [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute, endMinute }));
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const clock = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('HH:mm ZZ');

function query(overrides: Partial<SlotQuery> & Pick<SlotQuery, 'timeZone' | 'now'>): SlotQuery {
  return {
    minNoticeMinutes: 0,
    horizonDays: 90,
    durationMinutes: 30,
    bufferAfterMinutes: 0,
    practitioners: [],
    clinicClosures: [],
    limit: 100,
    ...overrides,
  };
}

const patel = (
  hours: WeeklyRange[],
  busy: PractitionerDiary['busy'] = [],
  closures: PractitionerDiary['closures'] = [],
): PractitionerDiary => ({ id: 'patel', hours, busy, closures });

/** Slots on one local date only, as local wall-clock strings. */
function slotsOn(date: string, zone: string, hours: WeeklyRange[], duration = 30) {
  const now = local(`${date}T00:00`, zone);
  const horizonEnd = DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day');
  const slots = findFreeSlots(
    query({
      timeZone: zone,
      now,
      durationMinutes: duration,
      practitioners: [patel(hours)],
      horizonDays: horizonEnd.diff(DateTime.fromJSDate(now)).as('days'),
    }),
  );
  return slots.map((s) => clock(s.startsAt, zone));
}

describe('Free slots on daylight-saving change days', () => {
  it('Europe/London, 2027-03-28 (clocks go forward at 01:00): no slot in the missing hour', () => {
    expect(slotsOn('2027-03-28', 'Europe/London', everyDay(0, 240))).toEqual([
      '00:00 +00:00',
      '00:15 +00:00',
      '00:30 +00:00',
      '00:45 +00:00',
      '02:00 +01:00',
      '02:15 +01:00',
      '02:30 +01:00',
      '02:45 +01:00',
      '03:00 +01:00',
      '03:15 +01:00',
      '03:30 +01:00',
    ]);
  });

  it('Europe/London, 2027-10-31 (clocks go back at 02:00): the repeated hour is offered once', () => {
    const slots = slotsOn('2027-10-31', 'Europe/London', everyDay(0, 240));
    expect(slots).toEqual([
      '00:00 +01:00',
      '00:15 +01:00',
      '00:30 +01:00',
      '00:45 +01:00',
      '01:00 +01:00',
      '01:15 +01:00',
      '01:30 +01:00',
      '01:45 +01:00',
      '02:00 +00:00',
      '02:15 +00:00',
      '02:30 +00:00',
      '02:45 +00:00',
      '03:00 +00:00',
      '03:15 +00:00',
      '03:30 +00:00',
    ]);
  });

  it('America/New_York, 2027-03-14 (02:00 → 03:00), all-day diary: 23 hours of slots, none at 02:xx', () => {
    const slots = slotsOn('2027-03-14', 'America/New_York', everyDay(0, 1440), 60);
    expect(slots).toHaveLength(23 * 4 - 3); // a slot every 15 minutes; the last three would run past midnight
    expect(slots.filter((s) => s.startsWith('02:'))).toEqual([]);
    expect(slots.slice(7, 10)).toEqual(['01:45 -05:00', '03:00 -04:00', '03:15 -04:00']);
  });

  it('America/New_York, 2027-11-07 (02:00 → 01:00), all-day diary: each local time once', () => {
    const slots = slotsOn('2027-11-07', 'America/New_York', everyDay(0, 1440), 60);
    expect(new Set(slots.map((s) => s.slice(0, 5))).size).toBe(slots.length);
    expect(slots.filter((s) => s.startsWith('01:'))).toEqual([
      '01:00 -04:00',
      '01:15 -04:00',
      '01:30 -04:00',
      '01:45 -04:00',
    ]);
    expect(slots).toHaveLength(24 * 4 - 3);
  });

  it('60-minute slots from 00:00 on the London spring-forward day end past the missing hour, inside 00:00–04:00', () => {
    const slots = findFreeSlots(
      query({
        timeZone: 'Europe/London',
        now: local('2027-03-28T00:00', 'Europe/London'),
        durationMinutes: 60,
        practitioners: [patel(everyDay(0, 240))],
        limit: 3,
      }),
    );
    expect(slots.map((s) => `${clock(s.startsAt, 'Europe/London')}–${clock(s.endsAt, 'Europe/London')}`)).toEqual([
      '00:00 +00:00–02:00 +01:00',
      '00:15 +00:00–02:15 +01:00',
      '00:30 +00:00–02:30 +01:00',
    ]);
  });
});

describe('Free slots follow the rules', () => {
  const zone = 'Europe/London';
  const monday = local('2027-06-07T08:00', zone);
  const morning: WeeklyRange[] = [
    { weekday: 1, startMinute: 9 * 60, endMinute: 12 * 60 },
    { weekday: 1, startMinute: 13 * 60, endMinute: 14 * 60 },
  ];

  it('respects minimum notice, breaks, buffers, closures and order of preference', () => {
    const busy = [{ start: local('2027-06-07T09:30', zone).getTime(), end: local('2027-06-07T10:15', zone).getTime() }];
    const closures = [
      { start: local('2027-06-07T13:30', zone).getTime(), end: local('2027-06-07T17:00', zone).getTime() },
    ];
    const slots = findFreeSlots(
      query({
        timeZone: zone,
        now: monday,
        minNoticeMinutes: 60,
        bufferAfterMinutes: 15,
        practitioners: [patel(morning, busy, closures), { id: 'khan', hours: morning, busy: [], closures: [] }],
        limit: 6,
      }),
    );
    expect(slots.map((s) => `${s.practitionerId} ${clock(s.startsAt, zone).slice(0, 5)}`)).toEqual([
      // 09:00 needs 09:00–09:45 with its buffer, which meets the 09:30 appointment.
      'khan 09:00',
      'khan 09:15',
      'khan 09:30',
      'khan 09:45',
      'khan 10:00',
      'patel 10:15',
    ]);
  });

  it('stops at the horizon and returns fewer when there are fewer', () => {
    const slots = findFreeSlots(
      query({ timeZone: zone, now: monday, horizonDays: 1, practitioners: [patel(morning)], limit: 100 }),
    );
    expect(slots).toHaveLength(5 + 1 + 1 + 1 + 1 + 1 + 1 + 3); // 09:00…11:30 and 13:00…13:30 every 15 minutes
    expect(slots.every((s) => s.startsAt.getTime() < monday.getTime() + 86_400_000)).toBe(true);
  });

  it('"later times": only slots after a given instant', () => {
    const after = local('2027-06-07T11:00', zone);
    const slots = findFreeSlots(
      query({ timeZone: zone, now: monday, after, practitioners: [patel(morning)], limit: 2 }),
    );
    expect(slots.map((s) => clock(s.startsAt, zone).slice(0, 5))).toEqual(['11:00', '11:15']);
  });
});

describe('IntervalSet', () => {
  it('answers overlap exactly for nested and unordered intervals', () => {
    const set = new IntervalSet([
      { start: 50, end: 60 },
      { start: 0, end: 100 },
      { start: 10, end: 20 },
    ]);
    expect(set.overlaps(70, 80)).toBe(true);
    expect(set.overlaps(100, 110)).toBe(false);
    expect(set.overlaps(-10, 0)).toBe(false);
  });
});

describe('Free slots, property tests', () => {
  const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
  const quarter = (max: number) => fc.integer({ min: 0, max: max / 15 }).map((n) => n * 15);
  const range = fc
    .tuple(
      fc.integer({ min: 1, max: 7 }),
      quarter(1425),
      fc.integer({ min: 1, max: 40 }).map((n) => n * 15),
    )
    .map(([weekday, start, len]) => ({ weekday, startMinute: start, endMinute: Math.min(1440, start + len) }));
  // Around DST changes on purpose: 2027-03-14/28, 2027-04-04 (Lord Howe), 2027-10-03, 2027-10-31, 2027-11-07.
  const startDay = fc.constantFrom(
    '2027-03-12',
    '2027-03-26',
    '2027-04-02',
    '2027-06-01',
    '2027-10-01',
    '2027-10-29',
    '2027-11-05',
  );
  const interval = (base: number) =>
    fc
      .tuple(fc.integer({ min: 0, max: 10 * 24 * 4 }), fc.integer({ min: 1, max: 24 }))
      .map(([q, len]) => ({ start: base + q * 15 * 60_000, end: base + (q + len) * 15 * 60_000 }));

  const scenario = fc
    .record({ zone: fc.constantFrom(...zones), day: startDay, nowOffset: fc.integer({ min: 0, max: 24 * 60 }) })
    .chain(({ zone, day, nowOffset }) => {
      const now = DateTime.fromISO(day, { zone }).plus({ minutes: nowOffset }).toMillis();
      return fc.record({
        zone: fc.constant(zone),
        now: fc.constant(now),
        duration: fc.integer({ min: 1, max: 8 }).map((n) => n * 15),
        buffer: fc.constantFrom(0, 5, 10, 15),
        notice: fc.constantFrom(0, 60, 120),
        practitioners: fc.array(
          fc.record({
            hours: fc.array(range, { maxLength: 6 }),
            busy: fc.array(interval(now), { maxLength: 15 }),
            closures: fc.array(interval(now), { maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        clinicClosures: fc.array(interval(now), { maxLength: 2 }),
      });
    });

  it('no slot meets an appointment or its buffer, or a closure; every slot is inside working hours; notice and horizon hold', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const practitioners = s.practitioners.map((p, i) => ({ id: `p${i}`, ...p }));
        const q = query({
          timeZone: s.zone,
          now: new Date(s.now),
          durationMinutes: s.duration,
          bufferAfterMinutes: s.buffer,
          minNoticeMinutes: s.notice,
          horizonDays: 10,
          practitioners,
          clinicClosures: s.clinicClosures,
          limit: 40,
        });
        const slots = findFreeSlots(q);
        // Plain checks (an expect() per interval per slot made 1,000 runs take half a minute).
        const broken = (why: string, slot: (typeof slots)[number]) => {
          throw new Error(`${why}: ${slot.practitionerId} ${slot.startsAt.toISOString()}`);
        };
        let previous = -Infinity;
        for (const slot of slots) {
          const start = slot.startsAt.getTime();
          const end = slot.endsAt.getTime();
          const p = practitioners.find((x) => x.id === slot.practitionerId)!;
          if (end - start !== s.duration * 60_000) broken('wrong length', slot);
          if (start < previous) broken('out of order', slot);
          previous = start;
          if (start < s.now + s.notice * 60_000) broken('inside the minimum notice', slot);
          if (start >= s.now + 10 * 86_400_000) broken('past the horizon', slot);
          if (p.busy.some((b) => start < b.end && b.start < end + s.buffer * 60_000))
            broken('meets an appointment or its buffer', slot);
          if ([...p.closures, ...s.clinicClosures].some((c) => start < c.end && c.start < end))
            broken('meets a closure', slot);
          // Inside one working range: it starts inside it by the wall clock, and ends before the clock first reads the range's end.
          const first = DateTime.fromMillis(start, { zone: s.zone });
          const firstMinute = first.hour * 60 + first.minute;
          const inside = p.hours.some(
            (h) =>
              h.weekday === first.weekday &&
              h.startMinute <= firstMinute &&
              firstMinute < h.endMinute &&
              end <= firstReading(first.startOf('day'), h.endMinute),
          );
          if (!inside) broken('outside working hours', slot);
        }
        // Each (practitioner, local wall-clock start) at most once, even across a fall-back hour.
        const keys = slots.map(
          (x) =>
            `${x.practitionerId} ${DateTime.fromJSDate(x.startsAt, { zone: s.zone }).toFormat('yyyy-MM-dd HH:mm')}`,
        );
        return new Set(keys).size === keys.length;
      }),
      { numRuns: 1000 },
    );
  });

  it('finds every free slot: a brute-force search over the same grid agrees', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const practitioners = s.practitioners.map((p, i) => ({ id: `p${i}`, ...p }));
        const q = query({
          timeZone: s.zone,
          now: new Date(s.now),
          durationMinutes: s.duration,
          bufferAfterMinutes: s.buffer,
          minNoticeMinutes: s.notice,
          horizonDays: 3,
          practitioners,
          clinicClosures: s.clinicClosures,
          limit: 10_000,
        });
        const fast = findFreeSlots(q)
          .map((x) => `${x.practitionerId}@${x.startsAt.getTime()}`)
          .sort();
        expect(fast).toEqual(bruteForce(q).sort());
      }),
      { numRuns: 1000 },
    );
  });
});

/** The same rules the slow way: every local grid minute of every day, checked against everything with luxon. */
function bruteForce(q: SlotQuery): string[] {
  const out = new Set<string>();
  const earliest = q.now.getTime() + q.minNoticeMinutes * 60_000;
  const latest = q.now.getTime() + q.horizonDays * 86_400_000;
  for (
    let day = DateTime.fromJSDate(q.now, { zone: q.timeZone }).startOf('day');
    day.toMillis() < latest;
    day = day.plus({ days: 1 }).startOf('day')
  ) {
    for (const p of q.practitioners) {
      for (const h of p.hours.filter((x) => x.weekday === day.weekday)) {
        for (let m = h.startMinute; m < h.endMinute; m += 15) {
          const t = day.set({ hour: Math.floor(m / 60), minute: m % 60 });
          if (t.hour * 60 + t.minute !== m) continue; // does not exist today
          const start = t.toMillis();
          const end = start + q.durationMinutes * 60_000;
          if (start < earliest || start >= latest) continue;
          // The range lasts until the clock first reads its end time.
          if (end > firstReading(day, h.endMinute)) continue;
          const blocked = end + q.bufferAfterMinutes * 60_000;
          if (p.busy.some((b) => start < b.end && b.start < blocked)) continue;
          if ([...p.closures, ...q.clinicClosures].some((c) => start < c.end && c.start < end)) continue;
          out.add(`${p.id}@${start}`);
        }
      }
    }
  }
  return [...out];
}

/** The first instant at which the local clock reads `minute` past midnight of `day` or later (minute by minute). */
function firstReading(day: DateTime, minute: number): number {
  for (let m = minute; m < 1440; m++) {
    const t = day.set({ hour: Math.floor(m / 60), minute: m % 60 });
    if (t.hour * 60 + t.minute === m) return t.toMillis();
  }
  return day.plus({ days: 1 }).startOf('day').toMillis();
}
