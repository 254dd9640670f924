// Understanding what callers say: the time to understand one utterance of the corpus
// (test/understanding/corpus/) against the keyword matcher the menu used before, in
// the same run. The grammar must stay well inside a webhook's budget (goal p99 ≤ 2 ms).
import { performance } from 'node:perf_hooks';
import { CORPUS_CLINICS, CORPUS_NOW, readCorpus } from '../test/understanding/corpus.js';
import { understand } from '../src/understanding/understand.js';
import type { Figure } from './run.js';

const ROUNDS = 20;

// The menu's keyword matcher before issue 19, kept here as the baseline: it chose only
// book, change or reception, by the first keyword that matched.
const KEYWORDS: Array<[string, RegExp]> = [
  ['change', /\b(change|cancel|move|reschedul\w*|rearrang\w*)\b/i],
  ['book', /\b(book|booking|new|make)\b/i],
  ['reception', /\b(reception\w*|person|someone|somebody|human|speak|talk|operator)\b/i],
];
const menuChoice = (input: { SpeechResult?: string }) => {
  const words = input.SpeechResult?.trim();
  return words ? (KEYWORDS.find(([, pattern]) => pattern.test(words))?.[0] ?? null) : null;
};

function percentiles(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

function timeEach<T>(items: T[], run: (item: T) => unknown): number[] {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const item of items) {
      const start = performance.now();
      run(item);
      samples.push((performance.now() - start) * 1000);
    }
  return samples;
}

export async function understandingBenchmarks(): Promise<Figure[]> {
  const corpus = [...readCorpus('tuned'), ...readCorpus('held-out')];
  // Warm both up, so neither is measured while it is being compiled.
  timeEach(corpus, (u) => understand(u.says, u.asked, CORPUS_CLINICS[u.clinic], CORPUS_NOW));
  timeEach(corpus, (u) => menuChoice({ SpeechResult: u.says }));
  const grammar = percentiles(
    timeEach(corpus, (u) => understand(u.says, u.asked, CORPUS_CLINICS[u.clinic], CORPUS_NOW)),
  );
  const keywords = percentiles(timeEach(corpus, (u) => menuChoice({ SpeechResult: u.says })));
  const label = `keyword menu matcher, ${corpus.length} utterances × ${ROUNDS}`;
  return [
    {
      figure: 'understanding one utterance p50',
      value: grammar.p50,
      unit: 'ms',
      baseline: keywords.p50,
      baselineLabel: label,
    },
    {
      figure: 'understanding one utterance p99',
      value: grammar.p99,
      unit: 'µs',
      baseline: keywords.p99,
      baselineLabel: label,
      goal: { max: 2000, of: 'value' },
    },
  ];
}
