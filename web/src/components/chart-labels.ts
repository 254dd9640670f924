// Which bars of a chart get a label under them.

/** At most this many labels under the bars, so each has room at 12 px on a narrow chart. */
export const MOST_LABELS = 7;

/** The bars labelled: every nth from the first, at most `most` of them. */
export function labelledBars(count: number, most = MOST_LABELS): number[] {
  const every = Math.max(1, Math.ceil(count / most));
  return Array.from({ length: count }, (_, i) => i).filter((i) => i % every === 0);
}
