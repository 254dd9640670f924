// The corpus of what callers say (test/understanding/corpus/), read and scored: each
// utterance understood at its clinic and question, and compared field by field with
// what FORMAT.md says it means. Used by the corpus test and by the benchmark.
import { readFileSync } from 'node:fs';
import { ClinicLanguage, type Understanding } from '../../src/understanding/understand.js';
import { DEFAULT_URGENT_PHRASES } from '../../src/understanding/urgent.js';

type Asked = 'open' | 'offer' | 'yesno' | 'name' | 'birthDate';
export interface Utterance {
  says: string;
  clinic: 'gb' | 'us';
  asked: Asked;
  category: string;
  expect: Record<string, unknown>;
}

const dir = new URL('./corpus/', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Utterance[];
/** The tuned part, or the held-out part (two sets, each written without sight of the grammar). */
export const readCorpus = (part: 'tuned' | 'held-out'): Utterance[] =>
  part === 'tuned' ? read('tuned') : [...read('held-out'), ...read('held-out-2')];

interface ClinicFixture {
  locale: string;
  timeZone: string;
  practitioners: Array<{ key: string; name: string; spokenName: string }>;
  types: Array<{ key: string; name: string; synonyms: string[] }>;
}
const fixture = JSON.parse(readFileSync(new URL('clinics.json', dir), 'utf8')) as {
  now: string;
  clinics: Record<'gb' | 'us', ClinicFixture>;
};
export const CORPUS_NOW = new Date(fixture.now);

/** The two clinics' words, keyed as the corpus names things (the key is the id). */
export const CORPUS_CLINICS: Record<'gb' | 'us', ClinicLanguage> = Object.fromEntries(
  Object.entries(fixture.clinics).map(([k, c]) => [
    k,
    new ClinicLanguage({
      locale: c.locale,
      timeZone: c.timeZone,
      practitioners: c.practitioners.map((p) => ({ id: p.key, name: p.name, spokenName: p.spokenName })),
      types: c.types.map((t) => ({ id: t.key, name: t.name, synonyms: t.synonyms })),
      urgentPhrases: DEFAULT_URGENT_PHRASES,
    }),
  ]),
) as Record<'gb' | 'us', ClinicLanguage>;

/** An understanding written as the corpus writes expectations. */
export function asExpected(u: Understanding): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (u.intent) out.intent = u.intent;
  const w = u.wish;
  if (w.typeId) out.type = w.typeId;
  if (w.practitionerIds?.length)
    out.practitioner = w.practitionerIds.length === 1 ? w.practitionerIds[0] : [...w.practitionerIds].sort();
  if (w.forWhom) out.forWhom = w.forWhom;
  if (w.day) out.day = w.day.from === w.day.to ? w.day.from : `${w.day.from}/${w.day.to}`;
  if (w.partOfDay) out.partOfDay = w.partOfDay;
  if (w.time) {
    const hhmm = `${String(Math.floor(w.time.minutes / 60)).padStart(2, '0')}:${String(w.time.minutes % 60).padStart(2, '0')}`;
    out.time = { at: '', after: '>', before: '<', around: '~' }[w.time.relation] + hhmm;
  }
  if (u.choice !== undefined) out.choice = u.choice;
  if (u.name) out.name = u.name;
  if (u.birthDate) out.birthDate = u.birthDate;
  return out;
}

const same = (a: unknown, b: unknown, field: string) =>
  field === 'name' && typeof a === 'string' && typeof b === 'string'
    ? a.toLowerCase() === b.toLowerCase()
    : JSON.stringify(a) === JSON.stringify(b);

/** Whether the understanding is exactly what was expected (urgent: the intent alone). */
export function scored(expect: Record<string, unknown>, got: Record<string, unknown>): boolean {
  if (expect.intent === 'urgent') return got.intent === 'urgent';
  const fields = new Set([...Object.keys(expect), ...Object.keys(got)]);
  return [...fields].every((f) => same(expect[f], got[f], f));
}

export interface Score {
  total: number;
  right: number;
  byCategory: Map<string, { total: number; right: number }>;
  misses: Array<{ u: Utterance; got: Record<string, unknown> }>;
}

export function score(corpus: Utterance[], understandOne: (u: Utterance) => Understanding): Score {
  const s: Score = { total: 0, right: 0, byCategory: new Map(), misses: [] };
  for (const u of corpus) {
    const got = asExpected(understandOne(u));
    const ok = scored(u.expect, got);
    const c = s.byCategory.get(u.category) ?? { total: 0, right: 0 };
    c.total++;
    s.total++;
    if (ok) {
      c.right += 1;
      s.right += 1;
    } else s.misses.push({ u, got });
    s.byCategory.set(u.category, c);
  }
  return s;
}

export const percent = (right: number, total: number) => (total ? (100 * right) / total : 100);
