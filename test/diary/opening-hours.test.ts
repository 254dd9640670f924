import { DateTime } from 'luxon';
import { isOpenAt, nextOpening, type ReceptionHours } from '../../src/diary/opening-hours.js';

const zone = 'Europe/London';
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const weekdays = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, startMinute: 8 * 60 + 30, endMinute: 12 * 60 + 30 },
  { weekday, startMinute: 13 * 60 + 30, endMinute: 18 * 60 },
]);
const reception = (closures: ReceptionHours['closures'] = []): ReceptionHours => ({
  timeZone: zone,
  hours: weekdays,
  closures,
});
const say = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone }).toFormat('ccc yyyy-MM-dd HH:mm') : null);

describe('Reception hours', () => {
  it('is open inside a range and closed over lunch, at night and at weekends', () => {
    expect(isOpenAt(local('2027-06-07T09:00'), reception())).toBe(true);
    expect(isOpenAt(local('2027-06-07T12:45'), reception())).toBe(false);
    expect(isOpenAt(local('2027-06-07T18:00'), reception())).toBe(false);
    expect(isOpenAt(local('2027-06-12T10:00'), reception())).toBe(false);
  });

  it('says when it next opens: after lunch, the next morning, Monday after a weekend', () => {
    expect(say(nextOpening(local('2027-06-07T12:45'), reception()))).toBe('Mon 2027-06-07 13:30');
    expect(say(nextOpening(local('2027-06-07T19:00'), reception()))).toBe('Tue 2027-06-08 08:30');
    expect(say(nextOpening(local('2027-06-11T18:30'), reception()))).toBe('Mon 2027-06-14 08:30');
    expect(say(nextOpening(local('2027-06-07T09:00'), reception()))).toBe('Mon 2027-06-07 09:00'); // open now
  });

  it('skips a bank holiday closure, and opens after a closure that ends mid-morning', () => {
    const christmas = [{ start: local('2027-12-24T12:00').getTime(), end: local('2027-12-29T10:00').getTime() }];
    expect(isOpenAt(local('2027-12-27T09:00'), reception(christmas))).toBe(false);
    expect(say(nextOpening(local('2027-12-24T12:30'), reception(christmas)))).toBe('Wed 2027-12-29 10:00');
  });

  it('is right across the spring-forward night', () => {
    // Saturday evening before the clocks change: Monday 08:30 is BST.
    const next = nextOpening(local('2027-03-27T20:00'), reception());
    expect(next?.toISOString()).toBe('2027-03-29T07:30:00.000Z');
  });

  it('never opening gives null', () => {
    expect(nextOpening(local('2027-06-07T09:00'), { timeZone: zone, hours: [], closures: [] })).toBeNull();
  });
});
