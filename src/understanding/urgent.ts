// Words that mean a caller needs emergency help, heard at any step. A signpost, not
// triage: the line gives the clinic's emergency advice and puts them through. Each
// phrase is matched word by word in order, a word or two apart ("my chest really
// hurts"), by stem ("breathing" meets "breathe"). The clinic's owner edits the list.
import { stem, type Token } from './tokens.js';

/** The phrases a clinic starts with; one per line in the owner's settings. */
export const DEFAULT_URGENT_PHRASES: readonly string[] = [
  'chest pain',
  'pain in chest',
  'chest hurts',
  'chest is tight',
  'tight chest',
  'chest tightness',
  'pressure in chest',
  'heart attack',
  'can not breathe',
  'can not catch breath',
  'struggling to breathe',
  'struggling to breath',
  'difficulty breathing',
  'trouble breathing',
  'not breathing',
  'stopped breathing',
  'gasping for air',
  'gasping for breath',
  'choking',
  'turning blue',
  'gone blue',
  'turned blue',
  'lips blue',
  'lips are blue',
  'stroke',
  'face drooping',
  'face is drooping',
  'face has dropped',
  'face dropped',
  'drooping',
  'droopy',
  'can not feel arm',
  'can not feel face',
  'slurred',
  'slurring',
  'can not lift arm',
  'can not move arm',
  'can not move side',
  'weak on one side',
  'numb on one side',
  'suicidal',
  'suicide',
  'kill myself',
  'end my life',
  'take my own life',
  'want to die',
  'not want to be alive',
  'not want to live',
  'end it all',
  'not want to be here',
  'better off dead',
  'better off without me',
  'harm myself',
  'hurt myself',
  'self harm',
  'heavy bleeding',
  'bleeding heavily',
  'bleeding badly',
  'bleeding a lot',
  'lot of blood',
  'not stop bleeding',
  'bleeding will not stop',
  'bleeding not stopping',
  'blood everywhere',
  'coughing up blood',
  'vomiting blood',
  'unconscious',
  'passed out',
  'blacked out',
  'collapsed',
  'unresponsive',
  'not responding',
  'not waking up',
  'will not wake',
  'can not wake',
  'seizure',
  'having a fit',
  'overdose',
  'overdosed',
  'too many pills',
  'too many tablets',
  'taken too many',
  'took too many',
  'swallowed pills',
  'swallowed tablets',
  'poisoned',
  'bottle of pills',
  'bottle of tablets',
  'packet of pills',
  'packet of tablets',
  'handful of pills',
  'handful of tablets',
  'swallowed load',
  'swallowed lot',
  'swallowed bleach',
  'drunk bleach',
  'drank bleach',
  'anaphylaxis',
  'anaphylactic',
  'allergic reaction',
  'throat swelling',
  'throat is swelling',
  'throat closing',
  'throat close',
  'can not swallow breathe',
  'throat is closing',
  'tongue swelling',
  'tongue is swelling',
  'lips swelling',
  'swollen throat',
  'epipen',
  'epi pen',
];

const MAX_GAP = 4;
/** Words a phrase may name but a caller may say otherwise ("knocked out a tooth", "knocked out his tooth"). */
const LINKING = new Set(['a', 'an', 'the', 'my', 'his', 'her', 'their', 'our', 'your', 'is', 'are', 'has', 'have']);

export class UrgentPhrases {
  private readonly phrases: string[][];

  constructor(phrases: readonly string[]) {
    this.phrases = phrases
      .map((p) =>
        p
          .toLowerCase()
          .replace(/can't|cannot/g, 'can not')
          .replace(/won't/g, 'will not')
          .replace(/n't/g, ' not'),
      )
      .map((p) =>
        p
          .replace(/[^a-z ]+/g, ' ')
          .split(/\s+/)
          .filter((w) => w && !LINKING.has(w))
          .map(stem),
      )
      .filter((words) => words.length > 0);
  }

  /** The urgent phrase heard in the words, or null. */
  heardIn(tokens: Token[]): string | null {
    const stems = tokens.map((t) => stem(t.w));
    for (const phrase of this.phrases) if (this.matches(stems, phrase)) return phrase.join(' ');
    return null;
  }

  private matches(stems: string[], phrase: string[]): boolean {
    for (let start = 0; start < stems.length; start++) {
      if (stems[start] !== phrase[0]) continue;
      let at = start;
      let ok = true;
      for (let k = 1; k < phrase.length && ok; k++) {
        let found = -1;
        for (let j = at + 1; j <= at + 1 + MAX_GAP && j < stems.length; j++)
          if (stems[j] === phrase[k]) {
            found = j;
            break;
          }
        if (found < 0) ok = false;
        else at = found;
      }
      if (ok) return true;
    }
    return false;
  }
}
