import { ordinal, speakClockBritish, speakDateTime, speakSlot } from '../../src/voice/speech.js';

const london = { timeZone: 'Europe/London', locale: 'en-GB', now: new Date('2027-02-26T09:00:00Z') };

describe('Saying times on the phone', () => {
  it("says the design's own example", () => {
    expect(speakSlot({ startsAt: new Date('2027-03-04T14:30:00Z'), spokenName: 'Dr Patel' }, london)).toBe(
      'Thursday the 4th of March at half past two with Dr Patel',
    );
  });

  it.each([
    [9, 0, "nine o'clock in the morning"],
    [9, 15, 'quarter past nine in the morning'],
    [11, 45, 'quarter to midday'],
    [12, 0, 'midday'],
    [12, 30, 'half past twelve'],
    [14, 40, 'twenty to three'],
    [16, 55, 'five to five'],
    [17, 45, 'quarter to six in the evening'],
    [18, 5, 'five past six in the evening'],
    [10, 7, '7 minutes past ten in the morning'],
    [8, 35, 'twenty-five to nine in the morning'],
  ])('%i:%i is "%s"', (h, m, words) => {
    expect(speakClockBritish(h, m)).toBe(words);
  });

  it('ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '31st',
    ]);
  });

  it("says today and tomorrow, in the clinic's zone across a clock change", () => {
    const now = new Date('2027-03-27T10:00:00Z'); // Saturday; clocks go forward overnight
    expect(speakDateTime(new Date('2027-03-27T15:00:00Z'), { ...london, now })).toBe(
      "today, Saturday the 27th of March at three o'clock",
    );
    expect(speakDateTime(new Date('2027-03-28T09:00:00Z'), { ...london, now })).toBe(
      "tomorrow, Sunday the 28th of March at ten o'clock in the morning",
    );
  });

  it('speaks American English for en-US clinics, in their zone', () => {
    const ny = { timeZone: 'America/New_York', locale: 'en-US', now: new Date('2027-03-01T12:00:00Z') };
    expect(speakDateTime(new Date('2027-03-04T19:30:00Z'), ny)).toBe('Thursday, March 4th at 2:30 PM');
  });
});
