// What the caller said, understood: the task (intent), what they wish for (type,
// practitioner, who for, day, part of day, time), a choice among the times offered,
// or the detail asked for (a name, a date of birth). One pure function, given the
// question being answered and the clinic's words; no language model, nothing sent
// anywhere. The keypad is read by the step itself; this reads speech.
import { birthDateFrom, nameFrom } from './details.js';
import { type Intent, laterOrEarlier, steering, taskIn, yesOrNo } from './intents.js';
import { tokenize, type Token, wordsOf } from './tokens.js';
import { UrgentPhrases } from './urgent.js';
import { type ForWhom, forWhomIn, type PractitionerWords, type TypeWords, Vocabulary } from './vocabulary.js';
import { type DayWish, type PartOfDay, type TimeWish, WhenReader } from './when.js';

export type { Intent } from './intents.js';
export type { ForWhom } from './vocabulary.js';
export type { DayWish, PartOfDay, TimeWish } from './when.js';

/** The question the caller is answering. */
export type Asked = 'open' | 'offer' | 'yesno' | 'name' | 'birthDate';

/** What the caller would like, as far as they said. */
export interface Wish {
  typeId?: string;
  practitionerIds?: string[];
  forWhom?: ForWhom;
  day?: DayWish;
  partOfDay?: PartOfDay;
  time?: TimeWish;
}

export interface Understanding {
  intent?: Intent;
  wish: Wish;
  /** Among the times offered: 1, 2, 3 … or the last. */
  choice?: number | 'last';
  name?: string;
  /** `YYYY-MM-DD` */
  birthDate?: string;
  /** The urgent phrase heard, when the intent is urgent. */
  urgentPhrase?: string;
}

/** The clinic's words, compiled once for a call's requests. */
export class ClinicLanguage {
  readonly vocabulary: Vocabulary;
  readonly urgent: UrgentPhrases;

  constructor(
    readonly clinic: {
      locale: string;
      timeZone: string;
      practitioners: readonly PractitionerWords[];
      types: readonly TypeWords[];
      urgentPhrases: readonly string[];
    },
  ) {
    this.vocabulary = new Vocabulary(clinic.practitioners, clinic.types);
    this.urgent = new UrgentPhrases(clinic.urgentPhrases);
  }
}

const REPAIR = new Set(['no', 'sorry', 'actually', 'mean', 'rather', 'or', 'instead', 'make']);
const CHOICE_WORDS: Record<string, number | 'last'> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  middle: 2,
  last: 'last',
  final: 'last',
  latest: 'last',
  later: 'last',
  earliest: 1,
  earlier: 1,
};
/** Words after which "one" is a pronoun ("the later one", "that one"), not the number. */
const ONE_AS_PRONOUN = new Set([
  'the',
  'that',
  'this',
  'a',
  'other',
  'oclock',
  'am',
  'pm',
  'ish',
  'same',
  'which',
  'any',
  'no',
]);

function choiceIn(tokens: Token[], taken: Set<number>): number | 'last' | undefined {
  let choice: number | 'last' | undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue;
    const t = tokens[i]!;
    const prev = tokens[i - 1]?.w;
    const next = tokens[i + 1]?.w;
    const word = CHOICE_WORDS[t.w];
    if (word !== undefined) {
      // "later"/"earlier" choose only as "the later one", "the earlier"; "anything later" asks for more.
      if (
        (t.w === 'later' || t.w === 'earlier') &&
        !(prev === 'the' || next === 'one' || next === 'time' || next === 'slot')
      )
        continue;
      if (t.w === 'last' && next === 'week') continue;
      choice = word;
      continue;
    }
    // Up to 12: beyond the times offered, a number is an hour ("eleven"), which the step resolves.
    if (t.n !== undefined && t.n >= 1 && t.n <= 12 && /^\d{1,2}$|^[a-z]+$/.test(t.w)) {
      if (t.w === 'one' && (ONE_AS_PRONOUN.has(prev ?? '') || (prev !== undefined && CHOICE_WORDS[prev] !== undefined)))
        continue;
      if (t.w === 'one' && prev !== undefined && tokens[i - 1]!.n !== undefined) continue;
      // "Dr Khan's one": the one of a practitioner named just before.
      if (t.w === 'one' && taken.has(i - 1)) continue;
      choice = t.n;
    }
  }
  return choice;
}

/** Understands one answer. `now` is the moment it was said; days resolve in the clinic's zone. */
export function understand(said: string, asked: Asked, language: ClinicLanguage, now: Date): Understanding {
  // "Good morning" greets; it is not a wish for the morning.
  const all = tokenize(said);
  const tokens = all[0]?.w === 'good' && /^(morning|afternoon|evening|day)$/.test(all[1]?.w ?? '') ? all.slice(2) : all;
  const words = wordsOf(tokens);
  const empty: Understanding = { wish: {} };
  if (tokens.length === 0) return empty;
  const urgentPhrase = language.urgent.heardIn(tokens);
  if (urgentPhrase) return { intent: 'urgent', wish: {}, urgentPhrase };

  const steer = steering(words);
  if (asked === 'name' || asked === 'birthDate') {
    if (steer) return { intent: steer, wish: {} };
    const task = taskIn(words, false);
    if (task === 'reception' || task === 'message') return { intent: task, wish: {} };
    if (asked === 'name') {
      const name = nameFrom(said);
      return name ? { wish: {}, name } : empty;
    }
    const birthDate = birthDateFrom(said, language.clinic.locale, now);
    return birthDate ? { wish: {}, birthDate } : empty;
  }

  const { wish, taken } = wishIn(tokens, asked, language, now);
  const hasWish = Object.keys(wish).length > 0;
  const result: Understanding = { wish };
  if (asked === 'offer') {
    const choice = choiceIn(tokens, taken);
    if (choice !== undefined) result.choice = choice;
  }
  const intent = intentOf(words, asked, hasWish, result.choice !== undefined, steer);
  if (intent) result.intent = intent;
  return result;
}

function intentOf(
  words: string,
  asked: Asked,
  hasWish: boolean,
  hasChoice: boolean,
  steer: ReturnType<typeof steering>,
): Intent | undefined {
  if (steer) return steer;
  const task = taskIn(words, hasWish);
  if (task && task !== 'book') return task;
  const more = laterOrEarlier(words);
  if (asked === 'offer') {
    if (more && !hasChoice) return more;
    if (task === 'book' && !hasChoice && !hasWish && /\bbook\b/.test(words)) return undefined;
    return hasChoice || hasWish ? undefined : (yesOrNo(words) ?? undefined);
  }
  if (asked === 'yesno') {
    // "Yes, and can I also book a blood test": the task wins.
    if (task === 'book' && /\b(also|too|another|as well|and (can|could|i|also|a|an))\b/.test(words)) return 'book';
    const yn = yesOrNo(words);
    if (yn) return yn;
    if (more) return more;
    return undefined;
  }
  // open
  if (task === 'book' || hasWish) return 'book';
  if (more) return more;
  return yesOrNo(words) ?? undefined;
}

function wishIn(
  tokens: Token[],
  asked: Asked,
  language: ClinicLanguage,
  now: Date,
): { wish: Wish; taken: Set<number> } {
  const wish: Wish = {};
  const taken = new Set<number>();
  const take = (start: number, end: number) => {
    for (let i = start; i < end; i++) taken.add(i);
  };
  const reader = new WhenReader({ now, timeZone: language.clinic.timeZone, locale: language.clinic.locale });
  for (const m of reader.read(tokens, { ordinalsAreChoices: asked === 'offer' })) {
    take(m.start, m.end);
    if (m.field === 'soon') continue;
    if (m.field === 'day') wish.day = m.value;
    else if (m.field === 'partOfDay') wish.partOfDay = m.value;
    else wish.time = m.value;
  }
  // "at three, actually make it four": a bare hour after a repair is the new time.
  if (wish.time) {
    for (let i = 1; i < tokens.length; i++) {
      if (
        taken.has(i) ||
        (!REPAIR.has(tokens[i - 1]!.w) && !(['it', 'that'].includes(tokens[i - 1]!.w) && tokens[i - 2]?.w === 'make'))
      )
        continue;
      const h = tokens[i]!.n;
      if (h !== undefined && h >= 1 && h <= 12) {
        const hour = h === 12 ? 12 : h >= 7 ? h : h + 12;
        wish.time = { relation: wish.time.relation, minutes: hour * 60 };
        take(i, i + 1);
      }
    }
  }
  const free = tokens.map((t, i) => (taken.has(i) ? { w: '' } : t));
  const types = language.vocabulary.types(free);
  if (types.length) {
    wish.typeId = types[types.length - 1]!.ids[0];
    for (const t of types) take(t.start, t.end);
  }
  const named = language.vocabulary.practitionersNamed(tokens.map((t, i) => (taken.has(i) ? { w: '' } : t)));
  if (named.length) {
    // "Dr Khan or Dr Patel" names both; otherwise the last said (a repair) stands.
    const last = named[named.length - 1]!;
    const before = named[named.length - 2];
    const either =
      before &&
      tokens.slice(before.end, last.start).some((t) => t.w === 'or') &&
      !tokens.slice(before.end, last.start).some((t) => REPAIR.has(t.w) && t.w !== 'or');
    const ids = either ? [...new Set([...before.ids, ...last.ids])] : last.ids;
    wish.practitionerIds = [...ids].sort();
    for (const n of named) take(n.start, n.end);
  }
  const who = forWhomIn(tokens);
  if (who) wish.forWhom = who.value;
  return { wish, taken };
}
