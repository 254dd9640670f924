import { labelledBars } from '../../web/src/components/chart-labels.js';

describe('Labels under a chart’s bars', () => {
  it('labels every bar of a week, and every fourth hour of a day', () => {
    expect(labelledBars(7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(labelledBars(24)).toEqual([0, 4, 8, 12, 16, 20]);
  });

  it('never labels more than seven bars, however long the period', () => {
    for (const count of [8, 28, 31, 90, 366]) {
      const labelled = labelledBars(count);
      expect(labelled.length).toBeLessThanOrEqual(7);
      expect(labelled[0]).toBe(0);
      expect(labelled.every((i) => i < count)).toBe(true);
    }
    expect(labelledBars(28)).toEqual([0, 4, 8, 12, 16, 20, 24]);
  });

  it('labels nothing when there are no bars', () => {
    expect(labelledBars(0)).toEqual([]);
  });
});
