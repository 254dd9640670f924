// Dates and times as the dashboard writes and reads them: the clinic's locale and time
// zone, never the browser's; typed dates in the clinic's order, read back the same.
import fc from 'fast-check';
import {
  birthDate,
  calendarDate,
  dayAndTime,
  parseTypedDate,
  parseTypedTime,
  shortDate,
  typedDate,
  typedTime,
} from '../../web/src/format/dates.js';

const LONDON = { timeZone: 'Europe/London', locale: 'en-GB' };
const NEW_YORK = { timeZone: 'America/New_York', locale: 'en-US' };

describe("The dashboard's dates", () => {
  it("writes an instant in the clinic's zone and locale, whatever the browser's", () => {
    // 23:30 UTC on 6 December is already the 7th nowhere near London, but 18:30 on the 6th in New York.
    expect(dayAndTime('2026-12-06T23:30:00Z', LONDON)).toBe('Sun, 6 Dec 2026, 23:30');
    expect(dayAndTime('2026-12-06T23:30:00Z', NEW_YORK)).toBe('Sun, Dec 6, 2026, 6:30 PM');
    expect(dayAndTime('2027-06-07T23:30:00Z', LONDON)).toBe('Tue, 8 Jun 2027, 00:30');
  });

  it('writes calendar dates without shifting them a day', () => {
    expect(calendarDate('2026-12-07', 'en-GB')).toBe('Mon, 7 Dec 2026');
    expect(calendarDate('2026-12-07', 'en-US')).toBe('Mon, Dec 7, 2026');
    expect(shortDate('2026-11-04', 'en-GB')).toBe('4 Nov');
    expect(shortDate('2026-11-04', 'en-US')).toBe('Nov 4');
    expect(birthDate('1942-05-16', 'en-GB')).toBe('16 May 1942');
  });

  it("reads dates typed in the clinic's order, in words, or yyyy-mm-dd; refuses what is not a date", () => {
    expect(parseTypedDate('07/12/2026', 'en-GB')).toBe('2026-12-07');
    expect(parseTypedDate('07/12/2026', 'en-US')).toBe('2026-07-12');
    expect(parseTypedDate('7.12.26', 'en-GB')).toBe('2026-12-07');
    expect(parseTypedDate('7 Dec 2026', 'en-US')).toBe('2026-12-07');
    expect(parseTypedDate('December 7, 2026', 'en-GB')).toBe('2026-12-07');
    expect(parseTypedDate('2026-12-07', 'en-US')).toBe('2026-12-07');
    for (const bad of ['31/02/2026', '13/13/2026', 'tomorrow', '', '7 Smarch 2026', '2026-12'])
      expect(parseTypedDate(bad, 'en-GB')).toBeNull();
  });

  it('reads back every date it writes, in either order', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('en-GB', 'en-US'),
        (d, locale) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseTypedDate(typedDate(iso, locale), locale)).toBe(iso);
        },
      ),
    );
  });

  it('reads times however they are typed and writes them the clinic’s way', () => {
    const cases: Array<[string, string | null]> = [
      ['9', '09:00'],
      ['9:30', '09:30'],
      ['0930', '09:30'],
      ['9.30', '09:30'],
      ['2pm', '14:00'],
      ['2:30 PM', '14:30'],
      ['12am', '00:00'],
      ['12:15 pm', '12:15'],
      ['24:00', '24:00'],
      ['24:30', null],
      ['13pm', null],
      ['9:75', null],
      ['noon', null],
    ];
    for (const [typed, time] of cases) expect(parseTypedTime(typed)).toBe(time);
    expect(typedTime('14:30', 'en-GB')).toBe('14:30');
    expect(typedTime('14:30', 'en-US')).toBe('2:30 PM');
    expect(typedTime('00:05', 'en-US')).toBe('12:05 AM');
    expect(typedTime('24:00', 'en-US')).toBe('24:00');
  });
});
