// The phone menu's rules, pure: what a caller's keypress or words mean.

export type MenuChoice = 'book' | 'change' | 'reception';

const SPOKEN: Array<[MenuChoice, RegExp]> = [
  ['change', /\b(change|cancel|move|reschedul\w*|rearrang\w*)\b/i],
  ['book', /\b(book|booking|new|make)\b/i],
  ['reception', /\b(reception\w*|person|someone|somebody|human|speak|talk|operator)\b/i],
];

const KEYS: Record<string, MenuChoice> = { '1': 'book', '2': 'change', '3': 'reception' };

/** The caller's choice from Gather's `Digits` or `SpeechResult`; null when it is neither. */
export function menuChoice(input: { Digits?: string; SpeechResult?: string }): MenuChoice | null {
  if (input.Digits) return KEYS[input.Digits] ?? null;
  const words = input.SpeechResult?.trim();
  if (!words) return null;
  // "Change" wins over "book" ("I want to change my booking").
  return SPOKEN.find(([, pattern]) => pattern.test(words))?.[0] ?? null;
}

/** After this many invalid answers the caller goes to reception rather than round again. */
export const MAX_MENU_ATTEMPTS = 3;
