// The clinic's own words: its appointment types (names and the owner's synonyms) and
// its practitioners (by title and surname, first name, full name, or role), compiled
// once per call and matched against what the caller said. Speech recognition mishears
// names ("doctor con" for Dr Khan), so after a title a name is matched by sound.
import { fold, stem, type Token } from './tokens.js';

export interface PractitionerWords {
  id: string;
  name: string;
  spokenName: string;
}
export interface TypeWords {
  id: string;
  name: string;
  synonyms?: readonly string[];
}

export type Role = 'doctor' | 'nurse';
const TITLES: Record<string, Role> = { doctor: 'doctor', dr: 'doctor', nurse: 'nurse' };
/** Words said before a role: "the nurse", "a doctor", "any of the doctors". */
const ROLE_WORDS: Record<string, Role> = {
  doctor: 'doctor',
  doctors: 'doctor',
  gp: 'doctor',
  gps: 'doctor',
  physician: 'doctor',
  nurse: 'nurse',
  nurses: 'nurse',
};

interface Phrase {
  words: string[];
  id: string;
}

/** A name reduced to its consonants' sounds: "Khan", "con" and "carn" meet; "Patel" and "petal" too. */
export function soundKey(word: string): string {
  const w = fold(word)
    .replace(/[^a-z]/g, '')
    .replace(/ph/g, 'f')
    .replace(/ck|q|c(?=[aou])|ch(?=r)/g, 'k')
    .replace(/kh|gh/g, 'k')
    .replace(/c/g, 'k')
    .replace(/z/g, 's')
    .replace(/v/g, 'v')
    .replace(/(?<=.)[aeiouyhw]/g, '')
    .replace(/^[aeiouyhw]/, 'a')
    .replace(/(.)\1+/g, '$1');
  return w;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

const words = (text: string) =>
  fold(text)
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** A word said and a word of a name: the same, or one a short ending longer ("drawn", "draw"). */
const sameWord = (said: string | undefined, name: string) =>
  said !== undefined &&
  (said === name ||
    (name.length >= 4 && said.length - name.length <= 2 && said.length > name.length && said.startsWith(name)));

export interface FoundThing {
  start: number;
  end: number;
  ids: string[];
}

export class Vocabulary {
  private readonly typePhrases: Phrase[] = [];
  private readonly practitioners: Array<{ id: string; role?: Role; first?: string; surname: string }> = [];

  constructor(practitioners: readonly PractitionerWords[], types: readonly TypeWords[]) {
    for (const t of types) {
      for (const phrase of [t.name, ...(t.synonyms ?? [])]) {
        const ws = words(phrase).map(stem);
        if (ws.length) this.typePhrases.push({ words: ws, id: t.id });
        // "check-up" is also said "checkup"
        if (ws.length > 1) this.typePhrases.push({ words: [stem(words(phrase).join(''))], id: t.id });
      }
    }
    // Longest first: "flu jab" before "jab", "blood test" before "blood".
    this.typePhrases.sort((a, b) => b.words.length - a.words.length);
    for (const p of practitioners) {
      const ws = words(p.name);
      const spoken = words(p.spokenName);
      const role = TITLES[ws[0] ?? ''] ?? TITLES[spoken[0] ?? ''];
      const named = TITLES[ws[0] ?? ''] ? ws.slice(1) : ws;
      this.practitioners.push({
        id: p.id,
        role,
        first: named.length > 1 ? named[0] : undefined,
        surname: named[named.length - 1] ?? spoken[spoken.length - 1] ?? '',
      });
    }
  }

  /** The appointment types named, longest phrase first at each place. */
  types(tokens: Token[]): FoundThing[] {
    const stems = tokens.map((t) => stem(t.w));
    const found: FoundThing[] = [];
    for (let i = 0; i < stems.length;) {
      let hit: FoundThing | null = null;
      for (const p of this.typePhrases) {
        if (p.words.every((w, k) => sameWord(stems[i + k], w))) {
          hit = { start: i, end: i + p.words.length, ids: [p.id] };
          break;
        }
        // "check up" said as two words for a one-word name
        if (p.words.length === 1 && i + 1 < stems.length && stem(tokens[i]!.w + tokens[i + 1]!.w) === p.words[0]) {
          hit = { start: i, end: i + 2, ids: [p.id] };
          break;
        }
      }
      if (hit) {
        found.push(hit);
        i = hit.end;
      } else i++;
    }
    return found;
  }

  private byRole(role: Role): string[] {
    return this.practitioners.filter((p) => p.role === role).map((p) => p.id);
  }

  private nameMatches(said: string, loose: boolean): string[] {
    // "Dr Khan's": the name without its possessive.
    const word = this.practitioners.some((p) => p.surname === said || p.first === said) ? said : said.replace(/s$/, '');
    const exact = this.practitioners.filter((p) => p.surname === word || p.first === word).map((p) => p.id);
    if (exact.length || !loose || word.length < 3) return exact;
    const key = soundKey(word);
    const close = this.practitioners.filter((p) =>
      [p.surname, p.first].some(
        (name) =>
          name !== undefined &&
          ((soundKey(name) === key && key.length >= 2) || (name.length >= 5 && distance(name, word) <= 1)),
      ),
    );
    return close.map((p) => p.id);
  }

  /**
   * The practitioners named: "Dr Khan", "doctor con", "Omar", "Omar Khan", "the
   * nurse", "a doctor". "Dr Khan or Dr Patel" names both; a repair names the last.
   */
  practitionersNamed(tokens: Token[]): FoundThing[] {
    const found: FoundThing[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i]!.w;
      const title = TITLES[w];
      const next = tokens[i + 1]?.w;
      if (title && next) {
        // "doctor Omar Khan", "doctor Khan", "doctor con"
        const a = this.nameMatches(next, true);
        if (a.length) {
          const third = tokens[i + 2]?.w;
          const b = third ? this.nameMatches(third, false).filter((id) => a.includes(id)) : [];
          found.push({ start: i, end: i + (b.length ? 3 : 2), ids: b.length ? b : a });
          i += b.length ? 2 : 1;
          continue;
        }
      }
      const role = ROLE_WORDS[w];
      if (role) {
        const ids = this.byRole(role);
        if (ids.length) found.push({ start: i, end: i + 1, ids });
        continue;
      }
      const named = this.nameMatches(w, false);
      if (named.length) {
        const b = tokens[i + 1] ? this.nameMatches(tokens[i + 1]!.w, false).filter((id) => named.includes(id)) : [];
        found.push({ start: i, end: i + (b.length ? 2 : 1), ids: b.length ? b : named });
        if (b.length) i++;
      }
    }
    return found;
  }
}

export type ForWhom = 'self' | 'child' | 'partner' | 'parent' | 'other';
const RELATIONS: Record<string, ForWhom> = {};
const relate = (who: ForWhom, list: string) => list.split(' ').forEach((w) => (RELATIONS[w] = who));
relate(
  'child',
  'son sons daughter daughters boy boys girl girls child children kid kids baby babies toddler twins stepson stepdaughter lad teenager teen infant newborn youngster stepchild',
);
relate('partner', 'wife husband partner boyfriend girlfriend fiance fiancee spouse hubby missus');
relate('parent', 'mum mom mother mam mummy mommy dad father daddy stepdad stepmum stepmom parents');
relate(
  'other',
  'friend neighbour neighbor brother sister grandmother grandma gran nan nana nanna grandad granddad grandpa grandfather aunt auntie aunty uncle nephew niece cousin grandson granddaughter grandchild flatmate roommate colleague carer',
);

/** Words before "for me" that make it about convenience, not the patient. */
const SUITS = new Set([
  'better',
  'best',
  'good',
  'easier',
  'easiest',
  'works',
  'work',
  'suits',
  'suit',
  'convenient',
  'fine',
  'ok',
  'okay',
  'great',
  'perfect',
  'early',
  'late',
  'soon',
  'too',
  'difficult',
  'hard',
  'bad',
  'worse',
]);

/** Who the appointment is for, when the caller says: "for my son", "it's for me", "my wife needs…". */
export function forWhomIn(tokens: Token[]): { start: number; value: ForWhom } | null {
  let last: { start: number; value: ForWhom } | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!.w;
    // "the wife", "the kids", "our little one", "my other half"
    if (
      (w === 'my' || w === 'our' || w === 'the') &&
      tokens[i + 1]?.w === 'other' &&
      /^halfs?$/.test(tokens[i + 2]?.w ?? '')
    ) {
      last = { start: i, value: 'partner' };
      continue;
    }
    if (
      (w === 'my' || w === 'our') &&
      ['youngest', 'eldest', 'oldest', 'little'].includes(tokens[i + 1]?.w ?? '') &&
      !RELATIONS[tokens[i + 2]?.w ?? '']
    ) {
      last = { start: i, value: 'child' };
      continue;
    }
    if (
      w === 'the' &&
      ['wife', 'missus', 'husband', 'hubby', 'kids', 'kid', 'children', 'baby', 'twins'].includes(
        tokens[i + 1]?.w ?? '',
      )
    ) {
      last = { start: i, value: RELATIONS[tokens[i + 1]!.w]! };
      continue;
    }
    if (
      w === 'for' &&
      (tokens[i + 1]?.w === 'a' || tokens[i + 1]?.w === 'an') &&
      RELATIONS[tokens[i + 2]?.w ?? ''] === 'other'
    ) {
      last = { start: i, value: 'other' };
      continue;
    }
    if (w === 'my' || w === 'our') {
      // "my little boy", "my youngest daughter", "my elderly mother", "my 5 year old"
      let j = i + 1;
      const relation = (t: Token | undefined) => (t ? (RELATIONS[t.w] ?? RELATIONS[t.w.replace(/s$/, '')]) : undefined);
      while (j < i + 4 && tokens[j] && !relation(tokens[j])) j++;
      const who = relation(tokens[j]);
      if (who) {
        last = { start: i, value: who };
        i = j;
      } else if (tokens[i + 1]?.n !== undefined && /^(year|month|week)s?$/.test(tokens[i + 2]?.w ?? ''))
        last = { start: i, value: 'child' }; // "my two year old"
      continue;
    }
    // "for me", but not "better for me", "works for me"
    if ((w === 'for' || w === 'just') && ['me', 'myself'].includes(tokens[i + 1]?.w ?? '')) {
      if (!SUITS.has(tokens[i - 1]?.w ?? '')) last = { start: i, value: 'self' };
    } else if (w === 'myself') last = { start: i, value: 'self' };
    else if (w === 'someone' && tokens[i + 1]?.w === 'else') last = { start: i, value: 'other' };
    else if (w === 'for' && ['him', 'her', 'them'].includes(tokens[i + 1]?.w ?? ''))
      last = { start: i, value: 'other' };
  }
  return last;
}
