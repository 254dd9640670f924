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
 * Whether a caller told that their call-back stands is cancelling it: 9, or words such as
 * "cancel my call back", "I don't need the callback any more".
 */
export function cancelsCallBack(heard: Heard): boolean {
  if (heard.digits) return heard.digits === '9';
  const said = heard.said?.toLowerCase() ?? '';
  return (
    /\bcall ?-?backs?\b|\bcall me back\b|\bring me back\b/.test(said) &&
    /\b(cancel|don'?t need|do not need|no longer|not needed|no need|stop|forget)\b/.test(said)
  );
}
