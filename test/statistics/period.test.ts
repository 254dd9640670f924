import { defaultPeriod } from '../../src/statistics/period.js';

describe('The period Statistics opens on', () => {
  const today = '2027-06-14';

  it('is the last 28 days for a clinic that has taken calls for longer', () => {
    expect(defaultPeriod(today, '2026-01-05')).toEqual({ from: '2027-05-18', to: today });
  });

  it("starts on the day of the clinic's first call when that is within the last 28 days", () => {
    expect(defaultPeriod(today, '2027-06-01')).toEqual({ from: '2027-06-01', to: today });
    expect(defaultPeriod(today, '2027-05-18')).toEqual({ from: '2027-05-18', to: today });
  });

  it("is the demo's week: calls on each of the last seven days show no empty day before them", () => {
    expect(defaultPeriod(today, '2027-06-08')).toEqual({ from: '2027-06-08', to: today });
  });

  it('is never shorter than a week, and a week before any call', () => {
    expect(defaultPeriod(today, '2027-06-12')).toEqual({ from: '2027-06-08', to: today });
    expect(defaultPeriod(today, today)).toEqual({ from: '2027-06-08', to: today });
    expect(defaultPeriod(today, null)).toEqual({ from: '2027-06-08', to: today });
  });

  it('counts days across a month and a year end', () => {
    expect(defaultPeriod('2027-01-03', '2026-12-01')).toEqual({ from: '2026-12-07', to: '2027-01-03' });
    expect(defaultPeriod('2028-03-01', '2028-02-27')).toEqual({ from: '2028-02-24', to: '2028-03-01' });
  });
});
