// How the benchmarks time work against its baseline in the same run.

export const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
export const p99 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.99)]!;

/**
 * Times `ours` and `baseline` `rounds` times each, interleaved with the order alternating,
 * so the machine's noise falls on both alike; milliseconds per run.
 */
export async function interleaved(
  rounds: number,
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<{ ours: number[]; baseline: number[] }> {
  const out = { ours: [] as number[], baseline: [] as number[] };
  const timed = async (work: () => Promise<unknown>, into: number[]) => void into.push(await timeOnce(work));
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      await timed(ours, out.ours);
      await timed(baseline, out.baseline);
    } else {
      await timed(baseline, out.baseline);
      await timed(ours, out.ours);
    }
  }
  return out;
}

/** Milliseconds one run of `work` takes. */
export async function timeOnce(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
