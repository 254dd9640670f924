// When a caller wants to come: a day ("next Tuesday", "Tuesday week", "the 14th",
// "in two weeks"), a part of the day ("after work") and a time ("half two", "after 3",
// "around 11"), read from the words and resolved in the clinic's time zone. Pure:
// "now" comes in. A later mention replaces an earlier one, which is how a repair
// ("Tuesday, no, Wednesday") is heard.
import { DateTime } from 'luxon';
import type { Token } from './tokens.js';

export type PartOfDay = 'morning' | 'lunchtime' | 'afternoon' | 'evening';
export type TimeRelation = 'at' | 'after' | 'before' | 'around';
/** A time of day the caller asked for: minutes after midnight, and how it binds. */
export interface TimeWish {
  relation: TimeRelation;
  minutes: number;
}
/** Days the caller would come, both ends included (ISO dates in the clinic's zone). */
export interface DayWish {
  from: string;
  to: string;
}

export interface WhenContext {
  now: Date;
  timeZone: string;
  locale: string;
}

/** One thing found in the words: where it starts, how many words it took, what it says. */
export type Mention =
  | { start: number; end: number; field: 'day'; value: DayWish }
  | { start: number; end: number; field: 'partOfDay'; value: PartOfDay }
  | { start: number; end: number; field: 'time'; value: TimeWish }
  | { start: number; end: number; field: 'soon' };

const WEEKDAYS: Record<string, number> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
  mon: 1,
  tues: 2,
  tue: 2,
  weds: 3,
  wed: 3,
  thurs: 4,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};
// Plural weekdays ("Tuesdays") read as the weekday.
for (const [k, v] of Object.entries({ ...WEEKDAYS })) if (k.length > 4) WEEKDAYS[`${k}s`] = v;

const AMBIGUOUS_WEEKDAYS = new Set(['sat', 'wed', 'sun', 'mon']);
const DAY_LEADS = new Set(['on', 'next', 'this', 'for', 'by', 'until', 'till', 'or', 'and', 'coming']);

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
/** Month names that are also ordinary words: a month only beside a number. */
const AMBIGUOUS_MONTHS = new Set(['may', 'march', 'jan', 'sat', 'sun', 'wed', 'dec']);

const PARTS: Array<[string[], PartOfDay]> = [
  [['first', 'thing', 'in', 'the', 'morning'], 'morning'],
  [['first', 'thing'], 'morning'],
  [['early', 'morning'], 'morning'],
  [['before', 'lunch'], 'morning'],
  [['after', 'lunch'], 'afternoon'],
  [['after', 'lunchtime'], 'afternoon'],
  [['after', 'school'], 'afternoon'],
  [['late', 'afternoon'], 'afternoon'],
  [['early', 'afternoon'], 'afternoon'],
  [['after', 'work'], 'evening'],
  [['after', 'i', 'finish', 'work'], 'evening'],
  [['end', 'of', 'the', 'day'], 'evening'],
  [['end', 'of', 'the', 'working', 'day'], 'evening'],
  [['lunch', 'time'], 'lunchtime'],
  [['lunch', 'hour'], 'lunchtime'],
  [['over', 'lunch'], 'lunchtime'],
  [['at', 'lunch'], 'lunchtime'],
  [['around', 'lunch'], 'lunchtime'],
  [['lunchtime'], 'lunchtime'],
  [['lunchtimes'], 'lunchtime'],
  [['lunch', 'break'], 'lunchtime'],
  [['lunch'], 'lunchtime'],
  [['morning'], 'morning'],
  [['mornings'], 'morning'],
  [['afternoon'], 'afternoon'],
  [['afternoons'], 'afternoon'],
  [['evening'], 'evening'],
  [['evenings'], 'evening'],
  [['early'], 'morning'],
];

const AFTER = [
  ['later', 'than'],
  ['any', 'time', 'after'],
  ['anytime', 'after'],
  ['no', 'earlier', 'than'],
  ['not', 'before'],
  ['after'],
  ['from'],
];
const BEFORE = [
  ['earlier', 'than'],
  ['no', 'later', 'than'],
  ['not', 'after'],
  ['any', 'time', 'before'],
  ['anytime', 'before'],
  ['before'],
  ['by'],
  ['until'],
  ['till'],
];
const AROUND = [
  ['around'],
  ['about'],
  ['roughly'],
  ['approximately'],
  ['round', 'about'],
  ['sometime', 'around'],
  ['somewhere', 'around'],
  ['close', 'to'],
];
const SOON = [
  ['as', 'soon', 'as', 'possible'],
  ['as', 'soon', 'as', 'you', 'can'],
  ['as', 'early', 'as', 'possible'],
  ['asap'],
  ['the', 'earliest'],
  ['earliest', 'possible'],
  ['whenever'],
  ['any', 'time'],
  ['anytime'],
  ['soonest'],
];

const NOT_MORNING = new Set(['how', 'too', 'as', 'so', 'very', 'bit', 'little', 'quite']);
const MINUTE_WORDS: Record<string, number> = { quarter: 15, half: 30 };

/** Whether `words` start at token `i`; the number of tokens they take, or 0. */
function phraseAt(tokens: Token[], i: number, words: string[]): number {
  for (let k = 0; k < words.length; k++) if (tokens[i + k]?.w !== words[k]) return 0;
  return words.length;
}
const firstPhrase = (tokens: Token[], i: number, phrases: string[][]): number => {
  for (const p of phrases) {
    const n = phraseAt(tokens, i, p);
    if (n) return n;
  }
  return 0;
};

export class WhenReader {
  private readonly today: DateTime;

  constructor(private readonly ctx: WhenContext) {
    this.today = DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).startOf('day');
  }

  private day(d: DateTime): DayWish {
    const iso = d.toISODate()!;
    return { from: iso, to: iso };
  }
  private range(a: DateTime, b: DateTime): DayWish {
    return { from: a.toISODate()!, to: b.toISODate()! };
  }
  /** The weekday's next occurrence after today. */
  private nextWeekday(weekday: number): DateTime {
    const ahead = (weekday - this.today.weekday + 7) % 7 || 7;
    return this.today.plus({ days: ahead });
  }
  /** The weekday in next week (weeks start on Monday). */
  private weekdayNextWeek(weekday: number): DateTime {
    return this.today.startOf('week').plus({ weeks: 1, days: weekday - 1 });
  }
  /** The next date with this day of the month (and month), today included. */
  private nextDate(day: number, month?: number, year?: number): DateTime | null {
    if (year !== undefined && month !== undefined) {
      const d = DateTime.fromObject({ year, month, day }, { zone: this.ctx.timeZone });
      return d.isValid ? d : null;
    }
    for (let k = 0; k < 14; k++) {
      const base = this.today.plus({ months: k });
      if (month !== undefined && base.month !== month) continue;
      const d = DateTime.fromObject({ year: base.year, month: base.month, day }, { zone: this.ctx.timeZone });
      if (d.isValid && d >= this.today) return d;
    }
    return null;
  }

  /** Everything about when, in the order it was said. */
  read(tokens: Token[], options: { ordinalsAreChoices?: boolean } = {}): Mention[] {
    const found: Mention[] = [];
    for (let i = 0; i < tokens.length;) {
      const m =
        this.soonAt(tokens, i) ?? this.dayAt(tokens, i, options) ?? this.timeAt(tokens, i) ?? this.partAt(tokens, i);
      if (m) {
        found.push(m);
        i = m.end;
      } else i++;
    }
    return found;
  }

  private soonAt(tokens: Token[], i: number): Mention | null {
    const n = firstPhrase(tokens, i, SOON);
    return n ? { start: i, end: i + n, field: 'soon' } : null;
  }

  private partAt(tokens: Token[], i: number): Mention | null {
    for (const [words, part] of PARTS) {
      const n = phraseAt(tokens, i, words);
      // "early" alone is the morning; not in "how early", "too early", "a bit early".
      if (n && words.length === 1 && words[0] === 'early' && NOT_MORNING.has(tokens[i - 1]?.w ?? '')) continue;
      if (n) return { start: i, end: i + n, field: 'partOfDay', value: part };
    }
    return null;
  }

  private dayAt(tokens: Token[], i: number, options: { ordinalsAreChoices?: boolean }): Mention | null {
    const w = (k: number) => tokens[i + k]?.w;
    const mk = (end: number, value: DayWish): Mention => ({ start: i, end, field: 'day', value });
    const t = this.today;
    if (phraseAt(tokens, i, ['day', 'after', 'tomorrow'])) return mk(i + 3, this.day(t.plus({ days: 2 })));
    if (w(0) === 'today') return mk(i + 1, this.day(t));
    if (w(0) === 'tonight') return mk(i + 1, this.day(t));
    // "tomorrow week", "today week": a week after
    if ((w(0) === 'tomorrow' || w(0) === 'today') && w(1) === 'week')
      return mk(i + 2, this.day(t.plus({ days: w(0) === 'tomorrow' ? 8 : 7 })));
    if (phraseAt(tokens, i, ['this', 'time', 'next', 'week'])) return mk(i + 4, this.day(t.plus({ weeks: 1 })));
    if (w(0) === 'tomorrow' || w(0) === 'tomorrows') return mk(i + 1, this.day(t.plus({ days: 1 })));
    const holiday = this.holidayAt(tokens, i);
    if (holiday) return mk(holiday.end, this.day(holiday.date));
    if (w(0) === 'this' && (w(1) === 'morning' || w(1) === 'afternoon' || w(1) === 'evening'))
      return mk(i + 1, this.day(t)); // the part of the day is read next
    // "a week today", "a week tomorrow", "a week on friday", "two weeks today", "a fortnight (today)"
    const weeksAhead = this.weeksCount(tokens, i);
    if (weeksAhead) {
      const [count, used] = weeksAhead;
      const after = i + used;
      // "a week from Friday", "two weeks from today"
      if (tokens[after]?.w === 'from' && tokens[after + 1]?.w !== 'now') {
        const base = tokens[after + 1]?.w;
        if (base === 'today') return mk(after + 2, this.day(t.plus({ weeks: count })));
        if (base === 'tomorrow') return mk(after + 2, this.day(t.plus({ weeks: count, days: 1 })));
        if (WEEKDAYS[base ?? ''])
          return mk(after + 2, this.day(this.nextWeekday(WEEKDAYS[base!]!).plus({ weeks: count })));
      }
      if (tokens[after]?.w === 'today') return mk(after + 1, this.day(t.plus({ weeks: count })));
      if (tokens[after]?.w === 'tomorrow') return mk(after + 1, this.day(t.plus({ weeks: count, days: 1 })));
      if (tokens[after]?.w === 'on' && WEEKDAYS[tokens[after + 1]?.w ?? ''])
        return mk(after + 2, this.day(this.nextWeekday(WEEKDAYS[tokens[after + 1]!.w]!).plus({ weeks: count })));
      if (tokens[after]?.w === 'time' || (tokens[after]?.w === 'from' && tokens[after + 1]?.w === 'now'))
        return mk(after + (tokens[after]?.w === 'time' ? 1 : 2), this.day(t.plus({ weeks: count })));
      if (tokens[i]?.w === 'fortnight' || (tokens[i]?.w === 'a' && tokens[i + 1]?.w === 'fortnight'))
        return mk(after, this.day(t.plus({ weeks: count })));
    }
    // "in three days", "in two weeks", "in a fortnight", "in a week"
    if (w(0) === 'in' || w(0) === 'within') {
      const amount = this.countAt(tokens, i + 1);
      if (amount) {
        const [count, used] = amount;
        const unit = tokens[i + 1 + used]?.w;
        const end = i + 2 + used + (['time', 'today'].includes(tokens[i + 2 + used]?.w ?? '') ? 1 : 0);
        if (unit === 'day' || unit === 'days') return mk(end, this.day(t.plus({ days: count })));
        if (unit === 'week' || unit === 'weeks') return mk(end, this.day(t.plus({ weeks: count })));
        if (unit === 'fortnight' || unit === 'fortnights') return mk(end, this.day(t.plus({ weeks: 2 * count })));
      }
    }
    // Ranges
    if (phraseAt(tokens, i, ['the', 'week', 'after', 'next']) || phraseAt(tokens, i, ['week', 'after', 'next'])) {
      const n = w(0) === 'the' ? 4 : 3;
      const start = t.startOf('week').plus({ weeks: 2 });
      return mk(i + n, this.range(start, start.endOf('week')));
    }
    // "next week Wednesday"
    if (w(0) === 'next' && w(1) === 'week' && WEEKDAYS[w(2) ?? ''])
      return mk(i + 3, this.day(this.weekdayNextWeek(WEEKDAYS[w(2)!]!)));
    if (w(0) === 'next' && (w(1) === 'week' || w(1) === 'weekend') && !WEEKDAYS[w(2) ?? '']) {
      const start = t.startOf('week').plus({ weeks: 1 });
      if (w(1) === 'weekend') return mk(i + 2, this.range(start.plus({ days: 5 }), start.plus({ days: 6 })));
      return mk(i + 2, this.range(start, start.endOf('week')));
    }
    if ((w(0) === 'this' || w(0) === 'the') && w(1) === 'week') {
      return mk(i + 2, this.range(t, t.endOf('week')));
    }
    if (w(0) === 'weekend' || ((w(0) === 'this' || w(0) === 'the') && w(1) === 'weekend')) {
      const sat = t.startOf('week').plus({ days: 5 });
      return mk(i + (w(0) === 'weekend' ? 1 : 2), this.range(t > sat ? t : sat, sat.plus({ days: 1 })));
    }
    if (w(0) === 'next' && w(1) === 'month') {
      const start = t.startOf('month').plus({ months: 1 });
      return mk(i + 2, this.range(start, start.endOf('month')));
    }
    if (w(0) === 'this' && w(1) === 'month') return mk(i + 2, this.range(t, t.endOf('month')));
    // Weekdays
    // "sat", "wed", "sun" and "mon" are words too ("the cat sat"): a day only after "on", "next", "this" …
    const weekdayAt = (k: number) => {
      const word = tokens[k]?.w ?? '';
      if (AMBIGUOUS_WEEKDAYS.has(word) && !DAY_LEADS.has(tokens[k - 1]?.w ?? '')) return undefined;
      return WEEKDAYS[word];
    };
    if (w(0) === 'next' && weekdayAt(i + 1)) {
      const d = this.weekdayNextWeek(weekdayAt(i + 1)!);
      return this.weekdayTail(tokens, i + 2, d, mk);
    }
    if ((w(0) === 'this' && w(1) === 'coming' && weekdayAt(i + 2)) || (w(0) === 'this' && weekdayAt(i + 1))) {
      const k = w(1) === 'coming' ? i + 2 : i + 1;
      return this.weekdayTail(tokens, k + 1, this.nextWeekday(weekdayAt(k)!), mk);
    }
    if (weekdayAt(i)) {
      const weekday = weekdayAt(i)!;
      // "Tuesday next week"
      if (tokens[i + 1]?.w === 'next' && tokens[i + 2]?.w === 'week')
        return mk(i + 3, this.day(this.weekdayNextWeek(weekday)));
      if (tokens[i + 1]?.w === 'this' && tokens[i + 2]?.w === 'week')
        return mk(i + 3, this.day(this.nextWeekday(weekday)));
      return this.weekdayTail(tokens, i + 1, this.nextWeekday(weekday), mk, tokens[i + 1]?.w === 'week');
    }
    return this.dateAt(tokens, i, options);
  }

  /** After a weekday: "week" (a week later), "after next", the date that names it ("Tuesday the 8th"). */
  private weekdayTail(
    tokens: Token[],
    k: number,
    d: DateTime,
    mk: (end: number, v: DayWish) => Mention,
    weekLater = false,
  ): Mention {
    if (weekLater && tokens[k + 1]?.w !== 'end') return mk(k + 1, this.day(d.plus({ weeks: 1 })));
    if (tokens[k]?.w === 'after' && tokens[k + 1]?.w === 'next') return mk(k + 2, this.day(d.plus({ weeks: 1 })));
    // "Tuesday the 15th": the date said wins where they disagree.
    const date = this.dateAt(tokens, k, {});
    if (date && date.field === 'day') return mk(date.end, date.value);
    return mk(k, this.day(d));
  }

  /** The days callers name by name, at their next date. */
  private holidayAt(tokens: Token[], i: number): { end: number; date: DateTime } | null {
    const at = (month: number, day: number) => this.nextDate(day, month);
    const gb = this.ctx.locale.toLowerCase() === 'en-gb';
    const named: Array<[string[], number, number]> = [
      [['christmas', 'eve'], 12, 24],
      [['day', 'after', 'christmas'], 12, 26],
      [['christmas', 'day'], 12, 25],
      [['boxing', 'day'], 12, 26],
      [['new', 'years', 'eve'], 12, 31],
      [['new', 'year', 'eve'], 12, 31],
      [['new', 'years', 'day'], 1, 1],
      [['new', 'year', 'day'], 1, 1],
      [['christmas'], 12, 25],
    ];
    for (const [words, month, day] of named) {
      if (!gb && words[0] === 'boxing') continue;
      const n = phraseAt(tokens, i, words);
      const date = n ? at(month, day) : null;
      if (date) return { end: i + n, date };
    }
    return null;
  }

  /** "a week", "two weeks", "a fortnight": weeks, and the tokens they take. */
  private weeksCount(tokens: Token[], i: number): [number, number] | null {
    if (tokens[i]?.w === 'fortnight') return [2, 1];
    if ((tokens[i]?.w === 'a' || tokens[i]?.w === 'one') && tokens[i + 1]?.w === 'fortnight') return [2, 2];
    const amount = this.countAt(tokens, i);
    if (!amount) return null;
    const unit = tokens[i + amount[1]]?.w;
    if (unit === 'week' || unit === 'weeks') return [amount[0], amount[1] + 1];
    return null;
  }

  private countAt(tokens: Token[], i: number): [number, number] | null {
    const t = tokens[i];
    if (!t) return null;
    // "a couple of weeks"
    if (t.w === 'a' && tokens[i + 1]?.w === 'couple') return [2, tokens[i + 2]?.w === 'of' ? 3 : 2];
    if (t.w === 'couple') return [2, tokens[i + 1]?.w === 'of' ? 2 : 1];
    if (t.w === 'a' || t.w === 'an') return [1, 1];
    if (t.n !== undefined && t.n > 0 && t.n < 60) return [t.n, 1];
    return null;
  }

  /** "the 14th", "14th of January", "January 14th", "January the 14th", "14 January", "14/12". */
  private dateAt(tokens: Token[], i: number, options: { ordinalsAreChoices?: boolean }): Mention | null {
    const mk = (end: number, d: DateTime | null): Mention | null =>
      d ? { start: i, end, field: 'day', value: this.day(d) } : null;
    let k = i;
    if (tokens[k]?.w === 'on') k++;
    if (tokens[k]?.w === 'the') k++;
    const first = tokens[k];
    if (!first) return null;
    const us = this.ctx.locale.toLowerCase() === 'en-us';
    // Numeric "14/12" (or "12/14" in the US)
    const slash = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?$/.exec(first.w);
    if (slash) {
      const [a, b] = [Number(slash[1]), Number(slash[2])];
      const [day, month] = us ? [b, a] : [a, b];
      return mk(k + 1, this.nextDate(day, month));
    }
    const monthAt = (j: number, beside: boolean) => {
      const word = tokens[j]?.w ?? '';
      const m = MONTHS[word];
      return m && (beside || !AMBIGUOUS_MONTHS.has(word)) ? m : undefined;
    };
    const dayNumber = (t: Token | undefined) => {
      const v = t?.ord ?? t?.n;
      return v !== undefined && v >= 1 && v <= 31 ? v : undefined;
    };
    // Month first: "January 14th", "January the 14th", "the 14th" after a month
    const m0 = monthAt(
      k,
      dayNumber(tokens[k + 1]) !== undefined || (tokens[k + 1]?.w === 'the' && dayNumber(tokens[k + 2]) !== undefined),
    );
    if (m0) {
      let j = k + 1;
      if (tokens[j]?.w === 'the') j++;
      const d = dayNumber(tokens[j]);
      if (d !== undefined)
        return mk(this.yearTail(tokens, j + 1).end, this.nextDate(d, m0, this.yearTail(tokens, j + 1).year));
      return null;
    }
    const d = dayNumber(first);
    if (d === undefined) return null;
    // Day first: "14th of January", "14 January"
    let j = k + 1;
    if (tokens[j]?.w === 'of') j++;
    const m1 = monthAt(j, true);
    if (m1) {
      const tail = this.yearTail(tokens, j + 1);
      return mk(tail.end, this.nextDate(d, m1, tail.year));
    }
    // A bare ordinal: "the 14th", "on the 3rd"; "of the month". A word ("first") needs its "the".
    if (first.ord === undefined) return null;
    if (!/^\d/.test(first.w) && tokens[k - 1]?.w !== 'the') return null;
    if (options.ordinalsAreChoices && first.ord <= 3 && !/^\d/.test(first.w)) return null;
    // "the first one", "the second option": a choice, not a date
    if (['one', 'option', 'time', 'slot', 'appointment'].includes(tokens[k + 1]?.w ?? '')) return null;
    let end = k + 1;
    if (phraseAt(tokens, end, ['of', 'the', 'month'])) end += 3;
    if (phraseAt(tokens, end, ['of', 'next', 'month'])) {
      const next = this.today.plus({ months: 1 });
      return mk(end + 3, this.nextDate(first.ord, next.month, next.year));
    }
    return mk(end, this.nextDate(first.ord));
  }

  private yearTail(tokens: Token[], j: number): { end: number; year?: number } {
    const t = tokens[j];
    if (t?.n !== undefined && t.n >= 2000 && t.n < 2100) return { end: j + 1, year: t.n };
    return { end: j };
  }

  private timeAt(tokens: Token[], i: number): Mention | null {
    let relation: TimeRelation = 'at';
    let k = i;
    const after = firstPhrase(tokens, k, AFTER);
    const before = after ? 0 : firstPhrase(tokens, k, BEFORE);
    const around = after || before ? 0 : firstPhrase(tokens, k, AROUND);
    if (after) {
      relation = 'after';
      k += after;
    } else if (before) {
      relation = 'before';
      k += before;
    } else if (around) {
      relation = 'around';
      k += around;
    } else if (tokens[k]?.w === 'at') k++;
    const modified = k > i;
    if (tokens[k]?.w === 'about' || tokens[k]?.w === 'around') {
      relation = 'around';
      k++;
    }
    const clock = this.clockAt(tokens, k, modified);
    if (!clock) return null;
    let end = clock.end;
    if (tokens[end]?.w === 'ish') {
      relation = 'around';
      end++;
    }
    if (phraseAt(tokens, end, ['or', 'later']) || phraseAt(tokens, end, ['or', 'after'])) {
      relation = 'after';
      end += 2;
    } else if (tokens[end]?.w === 'onwards' || tokens[end]?.w === 'onward') {
      relation = 'after';
      end++;
    } else if (phraseAt(tokens, end, ['or', 'earlier']) || phraseAt(tokens, end, ['or', 'before'])) {
      relation = 'before';
      end += 2;
    }
    return { start: i, end, field: 'time', value: { relation, minutes: clock.minutes } };
  }

  /**
   * A time of day at token `k`. A bare hour counts only after a word that makes it a
   * time ("at 3", "after 3") or with "o'clock", "am", "pm", "ish" after it.
   */
  private clockAt(tokens: Token[], k: number, modified: boolean): { minutes: number; end: number } | null {
    const t = tokens[k];
    if (!t) return null;
    if (t.w === 'noon' || t.w === 'midday') return { minutes: 12 * 60, end: k + 1 };
    if (t.n === 12 && (tokens[k + 1]?.w === 'noon' || tokens[k + 1]?.w === 'midday'))
      return { minutes: 720, end: k + 2 };
    const hourAt = (j: number) => {
      const h = tokens[j]?.n;
      return h !== undefined && h >= 1 && h <= 12 ? h : undefined;
    };
    // "half past two", "quarter to ten", "twenty past three", "five to four", "half two"
    let minute: number | undefined =
      MINUTE_WORDS[t.w] ?? (t.n !== undefined && [5, 10, 20, 25].includes(t.n) ? t.n : undefined);
    if (t.w === 'a' && tokens[k + 1]?.w === 'quarter') {
      minute = 15;
      k++;
    }
    if (minute !== undefined) {
      let j = k + 1;
      if (tokens[j]?.w === 'minutes' || tokens[j]?.w === 'minute') j++;
      // "passed" is how speech recognition often writes "past"; "a quarter of four" is American for "to".
      const said = tokens[j]?.w;
      const dir = said === 'passed' ? 'past' : said === 'of' || said === 'till' || said === 'before' ? 'to' : said;
      if ((dir === 'past' || dir === 'to' || dir === 'after') && hourAt(j + 1) !== undefined) {
        const hour = hourAt(j + 1)!;
        const spoken = this.hourTail(tokens, j + 2);
        // The hour said decides the part of the day: "quarter to seven" is 6:45 as "seven" is 7:00.
        const h = this.clockHour(hour, spoken.part);
        return { minutes: dir === 'to' ? h * 60 - minute : h * 60 + minute, end: spoken.end };
      }
      // British "half two" = 2:30
      if (t.w === 'half' && hourAt(k + 1) !== undefined) {
        const spoken = this.hourTail(tokens, k + 2);
        return { minutes: this.clockHour(hourAt(k + 1)!, spoken.part) * 60 + 30, end: spoken.end };
      }
      if (t.w === 'half' || t.w === 'quarter') return null;
    }
    if (t.clock) {
      const spoken = this.hourTail(tokens, k + 1);
      const h = t.clock.hour > 12 ? t.clock.hour : this.clockHour(t.clock.hour, spoken.part);
      if (t.clock.minute > 59 || h > 23) return null;
      return { minutes: h * 60 + t.clock.minute, end: spoken.end };
    }
    const hour = hourAt(k);
    if (hour === undefined) {
      // 24-hour "at 14", "15 00" is rare on the phone; "at 1400" likewise.
      return null;
    }
    // "two thirty", "eleven fifteen", "nine oh five", "9 45"
    const next = tokens[k + 1];
    if (next?.n !== undefined && next.n >= 10 && next.n <= 59 && next.w !== '12') {
      const spoken = this.hourTail(tokens, k + 2);
      return { minutes: this.clockHour(hour, spoken.part) * 60 + next.n, end: spoken.end };
    }
    if ((next?.w === 'oh' || next?.w === 'o') && tokens[k + 2]?.n !== undefined && tokens[k + 2]!.n! < 10) {
      const spoken = this.hourTail(tokens, k + 3);
      return { minutes: this.clockHour(hour, spoken.part) * 60 + tokens[k + 2]!.n!, end: spoken.end };
    }
    const spoken = this.hourTail(tokens, k + 1);
    const marked = spoken.end > k + 1 || tokens[k + 1]?.w === 'ish';
    if (!modified && !marked) return null;
    return { minutes: this.clockHour(hour, spoken.part) * 60, end: spoken.end };
  }

  /** What follows an hour: "o'clock", "am", "pm", "in the morning", "at night". */
  private hourTail(tokens: Token[], j: number): { end: number; part?: 'am' | 'pm' | 'evening' } {
    let end = j;
    if (tokens[end]?.w === 'oclock') end++;
    const w = tokens[end]?.w;
    if (w === 'am') return { end: end + 1, part: 'am' };
    if (w === 'pm') return { end: end + 1, part: 'pm' };
    if (phraseAt(tokens, end, ['in', 'the', 'morning'])) return { end: end + 3, part: 'am' };
    if (phraseAt(tokens, end, ['in', 'the', 'afternoon'])) return { end: end + 3, part: 'pm' };
    if (phraseAt(tokens, end, ['in', 'the', 'evening'])) return { end: end + 3, part: 'evening' };
    if (phraseAt(tokens, end, ['at', 'night'])) return { end: end + 2, part: 'evening' };
    if (w === 'tonight') return { end: end + 1, part: 'evening' };
    return { end };
  }

  /**
   * The hour on a 24-hour clock. Without am or pm it is a clinic hour: 7 to 11 in the
   * morning, 12 midday, 1 to 6 in the afternoon.
   */
  private clockHour(hour: number, part?: 'am' | 'pm' | 'evening'): number {
    if (part === 'am') return hour === 12 ? 0 : hour;
    if (part === 'pm' || part === 'evening') return hour === 12 ? 12 : hour + 12;
    if (hour === 12) return 12;
    return hour >= 7 ? hour : hour + 12;
  }
}
