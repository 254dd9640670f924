// What a caller said, as words the grammar can read: lower case, accents and
// punctuation gone, contractions opened ("can't" → "can not"), and numbers read
// whether Twilio wrote them as digits or words ("twenty third" → 23rd). Pure.

export interface Token {
  /** The word as the grammar compares it. */
  w: string;
  /** Its value when it is a cardinal number ("three", "3", "twenty five"). */
  n?: number;
  /** Its value when it is an ordinal ("third", "3rd", "twenty-third"). */
  ord?: number;
  /** A clock time written with a separator ("2.30", "2:30"): minutes past the hour. */
  clock?: { hour: number; minute: number };
}

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
};

const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bshan'?t\b/g, 'shall not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\bi'm\b/g, 'i am'],
  [/\b(it|that|what|there|he|she|who|where|when|here|time|name)'s\b/g, '$1 is'],
  [/\b(\w+)'d\b/g, '$1 would'],
  [/\b(\w+)'ll\b/g, '$1 will'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\bo'? ?clock\b/g, 'oclock'],
  [/\b([ap])\.? ?m\b\.?/g, '$1m'],
  [/\bdr\b\.?/g, 'doctor'],
  [/\bmrs?\b\.?/g, 'mr'],
];

/** Lower case, no accents: how words are compared (a name keeps its spelling elsewhere). */
export const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export function tokenize(text: string): Token[] {
  let s = fold(text).replace(/[’‘`]/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) s = s.replace(pattern, replacement);
  s = s
    .replace(/(\d)(am|pm|ish|st|nd|rd|th)\b/g, '$1 $2') // "3pm", "11ish"; ordinals re-joined below
    .replace(/\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)(?:-| )?ish\b/g, '$1 ish')
    .replace(/(\d) (st|nd|rd|th)\b/g, '$1$2')
    .replace(/(\d)[:.](\d\d)\b/g, '$1:$2')
    .replace(/(\d)\/(\d)/g, '$1/$2')
    .replace(/[^a-z0-9:/' ]+/g, ' ')
    .replace(/'/g, '');
  const words = s.split(/\s+/).filter(Boolean);
  const tokens: Token[] = [];
  for (const w of words) tokens.push(readWord(w));
  return joinCompounds(tokens);
}

function readWord(w: string): Token {
  const clock = /^(\d{1,2}):(\d\d)$/.exec(w);
  if (clock) return { w, clock: { hour: Number(clock[1]), minute: Number(clock[2]) } };
  const ord = /^(\d{1,2})(st|nd|rd|th)$/.exec(w);
  if (ord) return { w, ord: Number(ord[1]) };
  if (/^\d+$/.test(w)) return { w, n: Number(w) };
  if (w in UNITS) return { w, n: UNITS[w] };
  if (w in TENS) return { w, n: TENS[w] };
  if (w in ORDINALS) return { w, ord: ORDINALS[w] };
  if (w === 'a' || w === 'an') return { w };
  return { w };
}

/** "twenty three" → 23, "twenty third" → 23rd, "twenty-third" (split by punctuation) too. */
function joinCompounds(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.w in TENS && next && next.w !== t.w) {
      if (next.n !== undefined && next.n >= 1 && next.n <= 9 && next.w in UNITS) {
        out.push({ w: String(t.n! + next.n), n: t.n! + next.n });
        i++;
        continue;
      }
      if (next.ord !== undefined && next.ord >= 1 && next.ord <= 9 && next.w in ORDINALS) {
        out.push({ w: `${t.n! + next.ord}th`, ord: t.n! + next.ord });
        i++;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** The words alone, space-separated, for phrase matching. */
export const wordsOf = (tokens: Token[]): string => tokens.map((t) => t.w).join(' ');

/** A light stem for matching names of things: "vaccinations" and "vaccinated" meet "vaccine". */
export function stem(word: string): string {
  for (const suffix of ['ations', 'ation', 'ated', 'ing', 'es', 's', 'e']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}
