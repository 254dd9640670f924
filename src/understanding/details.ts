// A patient's details as callers say them: a name with the words around it dropped
// ("my name is Siobhán O'Neill" → "Siobhán O'Neill"), and a date of birth spoken
// ("the twenty-third of April nineteen eighty"), said digit by digit, or written with
// slashes. Pure.
import { DateTime } from 'luxon';
import { tokenize, type Token } from './tokens.js';

const RELATIONS =
  'son|daughter|child|boy|girl|baby|kid|wife|husband|partner|mum|mom|mother|dad|father|brother|sister|friend|nan|gran|grandma|grandmother|grandad|grandfather|grandson|granddaughter|little one';
const LEADING = [
  /^(?:um+|erm+|uh+|er+|ah+|oh|hmm+|well|so|yeah|yes|ok(?:ay)?|right|sure|hi|hello|hiya)\b[\s,.]*/i,
  // "it's for my daughter, her name's Zoë Clarke", "it's my husband, Dave Clarke", "my son Oliver"
  new RegExp(
    String.raw`^(?:it'?s |it is |this is |that'?s )?(?:for )?(?:my|our) (?:little |youngest |eldest |oldest )?(?:${RELATIONS})'?s?\b[\s,.]*(?:(?:her|his|their) (?:full )?name(?:'s| is)\s+)?(?:is |called )?`,
    'i',
  ),
  /^(?:mister|mr|mrs|miss|ms|mx|doctor|dr)\.?\s+/i,
  /^(?:it'?s|it is)\s+for\s+/i,
  /^(?:the\s+)?(?:patient'?s?|child'?s?|baby'?s?|his|her|their|my)\s+(?:full\s+)?name\s+(?:is|'s)\s+/i,
  /^(?:my|the|his|her|their)\s+(?:full\s+)?name'?s\s+/i,
  /^(?:the\s+)?(?:full\s+)?name\s+(?:is\s+)?/i,
  /^(?:the\s+patient|patient)\s+is\s+/i,
  /^(?:the\s+)?(?:appointment|booking)\s+is\s+for\s+/i,
  /^(?:it'?s|it is|this is|i'?m|i am|that'?s|that is|they'?re|he'?s|she'?s|he is|she is|they are)\s+(?:called\s+)?/i,
  /^(?:called|for|for\s+my\s+\w+)\s+/i,
  /^(?:the\s+)?patient'?s?\s+/i,
];
const TRAILING = /[\s,.]*(?:please|thanks|thank you|cheers|ta|that'?s it|thank you very much)?[\s,.!?]*$/i;

/** Title case for a name heard in lower case ("siobhan o'neill" → "Siobhan O'Neill"); a name written with capitals is kept. */
function nameCase(name: string): string {
  if (name !== name.toLowerCase()) return name;
  return name.replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** The name alone, or null when nothing that could be a name is left. */
export function nameFrom(said: string): string | null {
  let s = said.trim().replace(/\s+/g, ' ');
  for (let round = 0; round < 4; round++) {
    const before = s;
    for (const pattern of LEADING) s = s.replace(pattern, '');
    s = s.replace(TRAILING, '');
    if (s === before) break;
  }
  s = s.replace(/^[\s,.:;-]+|[\s,.:;!?-]+$/g, '');
  // Spelled out letters ("Zoe, Z O E, Clarke") are not part of the name.
  s = s
    .replace(/(?:^|[\s,]+)(?:\p{L}[\s,]+){1,}\p{L}(?=[\s,]|$)/gu, (run) => (/\p{L}\p{L}/u.test(run) ? run : ' '))
    .trim();
  // "Zoë, Zoë Clarke": a first name said twice.
  s = s
    .replace(/^(\p{L}+)[\s,]+\1(?=[\s,]|$)/iu, '$1')
    .replace(/\s*,\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/\p{L}/u.test(s)) return null;
  // Not a name: a relation alone ("my son"), or a date, a number.
  if (new RegExp(String.raw`^(?:my |our )?(?:${RELATIONS})$`, 'i').test(s) || /^\d/.test(s)) return null;
  if (
    /\b(january|february|march|april|june|july|august|september|october|november|december|nineteen|twenty|thousand)\b/i.test(
      s,
    )
  )
    return null;
  return nameCase(s).slice(0, 120);
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const monthOf = (w: string | undefined) => {
  if (!w) return undefined;
  const i = MONTHS.findIndex((m) => m === w || (w.length >= 3 && m.startsWith(w) && w !== 'ma' && w !== 'ju'));
  return i >= 0 ? i + 1 : undefined;
};

/** A year from its tokens: "1980", "nineteen eighty", "nineteen oh five", "two thousand and five", "twenty ten", "eighty". */
function yearAt(tokens: Token[], i: number, now: DateTime): { year: number; end: number } | null {
  const a = tokens[i];
  if (!a) return null;
  if (a.n !== undefined && a.n >= 1900 && a.n <= now.year) return { year: a.n, end: i + 1 };
  if (a.w === 'two' && tokens[i + 1]?.w === 'thousand') {
    let j = i + 2;
    if (tokens[j]?.w === 'and') j++;
    const rest = tokens[j]?.n;
    if (rest !== undefined && rest < 100 && tokens[j]!.w !== 'oh') return { year: 2000 + rest, end: j + 1 };
    return { year: 2000, end: i + 2 };
  }
  if (a.n === 19 || a.n === 20) {
    const b = tokens[i + 1];
    if ((b?.w === 'oh' || b?.w === 'o') && tokens[i + 2]?.n !== undefined && tokens[i + 2]!.n! < 10)
      return { year: a.n * 100 + tokens[i + 2]!.n!, end: i + 3 };
    if (b?.n !== undefined && b.n >= 10 && b.n < 100) return { year: a.n * 100 + b.n, end: i + 2 };
    if (b?.w === 'hundred') return { year: a.n * 100, end: i + 2 };
  }
  if (a.n !== undefined && a.n >= 10 && a.n < 100) {
    const year = a.n + (a.n > now.year % 100 ? 1900 : 2000);
    return { year, end: i + 1 };
  }
  return null;
}

const DIGIT_WORDS: Record<string, string> = { oh: '0', o: '0', zero: '0', nought: '0' };

/**
 * A date of birth as `YYYY-MM-DD`, or null when it is not a real date in the past.
 * Digits and slashes are day first, or month first for an American clinic.
 */
export function birthDateFrom(said: string, locale: string, now: Date): string | null {
  const today = DateTime.fromJSDate(now).toUTC();
  const us = locale.toLowerCase() === 'en-us';
  const make = (year: number, month: number, day: number) => {
    const d = DateTime.fromObject({ year, month, day }, { zone: 'utc' });
    return d.isValid && d <= today && year >= 1900 ? d.toISODate() : null;
  };
  const slashed = /(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})/.exec(said);
  if (slashed) {
    const [a, b] = [Number(slashed[1]), Number(slashed[2])];
    let year = Number(slashed[3]);
    if (year < 100) year += year > today.year % 100 ? 1900 : 2000;
    return us ? make(year, a, b) : make(year, b, a);
  }
  const tokens = tokenize(said.replace(/\b(\d{1,2})(st|nd|rd|th)\b/gi, '$1$2'));
  // Said digit by digit: eight single digits (oh for nought), or a run like "23041980".
  const digits = tokens
    // "twenty three oh four nineteen eighty": each number as the digits it is said as.
    .map((t) => DIGIT_WORDS[t.w] ?? (t.n === undefined ? '' : /^\d+$/.test(t.w) ? t.w : String(t.n)))
    .join('');
  const onlyDigits = tokens.every((t) => DIGIT_WORDS[t.w] !== undefined || t.n !== undefined || FILLERS.has(t.w));
  if (onlyDigits && /^\d{8}$/.test(digits)) {
    const [a, b, y] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), Number(digits.slice(4))];
    return us ? make(y, a, b) : make(y, b, a);
  }
  // Spoken: "the 23rd of April 1980", "April 23rd 1980", "23 April 80"
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = monthOf(t.w);
    if (m) {
      // Month first: "April the 23rd, 1980"
      let j = i + 1;
      if (tokens[j]?.w === 'the') j++;
      const d = tokens[j]?.ord ?? tokens[j]?.n;
      if (d !== undefined && d >= 1 && d <= 31) {
        let k = j + 1;
        if (tokens[k]?.w === 'of' || tokens[k]?.w === 'in') k++;
        const y = yearAt(tokens, k, today);
        if (y) return make(y.year, m, d);
      }
      continue;
    }
    const d = t.ord ?? t.n;
    if (d !== undefined && d >= 1 && d <= 31) {
      let j = i + 1;
      if (tokens[j]?.w === 'of') j++;
      if (tokens[j]?.w === 'the') j++; // "the 23rd of the 4th"
      const numbered = tokens[j]?.n ?? tokens[j]?.ord;
      const month = monthOf(tokens[j]?.w) ?? (numbered !== undefined && numbered <= 12 ? numbered : undefined);
      if (month !== undefined) {
        let k = j + 1;
        if (tokens[k]?.w === 'of' || tokens[k]?.w === 'in') k++;
        const y = yearAt(tokens, k, today);
        if (y) return us && !monthOf(tokens[j]?.w) ? make(y.year, d, month) : make(y.year, month, d);
      }
    }
  }
  return null;
}

const FILLERS = new Set([
  'um',
  'erm',
  'uh',
  'er',
  'its',
  'it',
  'is',
  'thats',
  'that',
  'the',
  'so',
  'yeah',
  'ok',
  'okay',
  'please',
]);
