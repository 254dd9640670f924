// `npm run bench`: every benchmark, one table, the same figures in bench-results.json.
// Each figure comes with a baseline measured in the same run, because these
// machines are shared and noisy: the ratio is what to compare across runs.
import { writeFile } from 'node:fs/promises';
import { dayViewBenchmarks } from './day-view.bench.js';
import { fanoutBenchmarks } from './fanout.bench.js';
import { purgeBenchmarks } from './purge.bench.js';
import { servingOrderBenchmarks } from './serving-order.bench.js';
import { reportBenchmarks } from './reports.bench.js';
import { startupBenchmarks } from './startup.bench.js';
import { slotBenchmarks } from './slots.bench.js';
import { understandingBenchmarks } from './understanding.bench.js';
import { promptBenchmarks } from './prompts.bench.js';
import { voiceBenchmarks } from './voice.bench.js';

export interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline: number;
  baselineLabel: string;
  /** A bound on the value itself or on value ÷ baseline. */
  goal?: { max?: number; min?: number; of: 'value' | 'ratio' };
}

// BENCH_ONLY=understanding|prompts|slots|serving-order|day-view|voice|fanout|purge|reports|startup runs one of them.
const only = process.env.BENCH_ONLY;
const suites: Array<[string, () => Promise<Figure[]>]> = [
  ['understanding', understandingBenchmarks],
  ['prompts', promptBenchmarks],
  ['slots', slotBenchmarks],
  ['serving-order', servingOrderBenchmarks],
  ['day-view', dayViewBenchmarks],
  ['voice', voiceBenchmarks],
  ['fanout', fanoutBenchmarks],
  ['purge', purgeBenchmarks],
  ['reports', reportBenchmarks],
  ['startup', startupBenchmarks],
];
const figures: Figure[] = [];
for (const [name, run] of suites) if (!only || only === name) figures.push(...(await run()));

const rows = figures.map((f) => {
  const ratio = f.baseline > 0 ? f.value / f.baseline : NaN;
  const measured = f.goal?.of === 'ratio' ? ratio : f.value;
  const pass = f.goal
    ? (f.goal.max === undefined || measured <= f.goal.max) && (f.goal.min === undefined || measured >= f.goal.min)
    : null;
  return {
    figure: f.figure,
    value: `${f.value.toFixed(2)} ${f.unit}`,
    baseline: `${f.baseline.toFixed(2)} ${f.unit} (${f.baselineLabel})`,
    ratio: Number.isFinite(ratio) ? ratio.toFixed(2) : '—',
    goal: f.goal
      ? `${f.goal.of === 'ratio' ? 'ratio ' : ''}${f.goal.max !== undefined ? `≤ ${f.goal.max}` : `≥ ${f.goal.min}`}${f.goal.of === 'value' ? ` ${f.unit}` : ''}`
      : '—',
    pass: pass === null ? '—' : pass ? 'yes' : 'NO',
  };
});
console.table(rows);
await writeFile(
  'bench-results.json',
  JSON.stringify({ at: new Date().toISOString(), node: process.version, figures: rows }, null, 2),
);
console.log('written to bench-results.json');
process.exitCode = rows.some((r) => r.pass === 'NO') ? 1 : 0;
