// The first question's rules, pure: where a caller's keys or words send them.
import type { Heard } from '../voice/call-step.js';

export type MenuRoute =
  'book' | 'move' | 'cancel' | 'change' | 'check' | 'reception' | 'hours' | 'goodbye' | 'help' | 'unclear';

// 0 is the operator on most phone systems: a person.
const KEYS: Record<string, MenuRoute> = { '1': 'book', '2': 'change', '3': 'reception', '0': 'reception' };

/** Where an answer to "How can I help?" (or, `again`, "anything else?") leads. */
export function menuRoute(heard: Heard, again: boolean): MenuRoute {
  if (heard.digits) return KEYS[heard.digits] ?? 'unclear';
  const u = heard.understood;
  if (!u) return 'unclear';
  switch (u.intent) {
    case 'book':
    case 'move':
    case 'cancel':
    case 'change':
    case 'check':
    case 'reception':
    case 'hours':
      return u.intent;
    case 'no':
      return again ? 'goodbye' : 'unclear';
    case 'yes':
      return again ? 'help' : 'unclear';
    default:
      return 'unclear';
  }
}

/**
 * Whether a caller is cancelling the call-back they asked for: 9 (the key they were told),
 * or words whose verb governs the call-back itself — "cancel my call back", "I don't need
 * the callback any more", "no need to call me back" — not "cancel my appointment, and call
 * me back", nor "don't forget my call back".
 */
export function cancelsCallBack(heard: Heard): boolean {
  if (heard.digits) return heard.digits === '9';
  const said = (heard.said ?? '')
    .toLowerCase()
    .replace(/[-–]/g, ' ')
    .replace(/callback/g, 'call back');
  return (
    /\bcancel (my |the |that |your |our )?call back\b/.test(said) ||
    /\b(don'?t|do not|no longer|no more) need (my |the |that |a |your )?call back\b/.test(said) ||
    /\b(no need|there'?s no need) (for (a |the )?call back|to (call|ring) me( back)?)\b/.test(said) ||
    /\b(please )?(don'?t|do not) (call|ring) me back\b/.test(said)
  );
}
