// What a caller's answer to the times offered means, pure: one of them (by key, by
// "the first one", by "the 2 o'clock"), more times, earlier ones, or a new wish
// ("Wednesday instead", "with Dr Patel").
import { DateTime } from 'luxon';
import type { Wish } from '../understanding/understand.js';
import type { Heard } from '../voice/call-step.js';

export type OfferAnswer =
  | { kind: 'take'; index: number }
  | { kind: 'later' }
  | { kind: 'earlier' }
  | { kind: 'wish'; wish: Wish }
  | { kind: 'no' }
  | { kind: 'which' }
  | { kind: 'unclear' };

type Offered = { practitionerId: string; startsAt: Date };

export function offerAnswer(heard: Heard, offered: readonly Offered[], timeZone: string): OfferAnswer {
  if (heard.digits) {
    if (heard.digits === '9') return { kind: 'later' };
    const n = Number(heard.digits);
    return Number.isInteger(n) && n >= 1 && n <= offered.length ? { kind: 'take', index: n - 1 } : { kind: 'unclear' };
  }
  const u = heard.understood;
  if (!u) return { kind: 'unclear' };
  if (u.choice !== undefined) {
    const index = u.choice === 'last' ? offered.length - 1 : u.choice - 1;
    return index >= 0 && index < offered.length ? { kind: 'take', index } : { kind: 'unclear' };
  }
  const { wish } = u;
  // "The 2 o'clock", "half past three on Tuesday": one of those offered, when one matches.
  if (wish.time && (wish.time.relation === 'at' || wish.time.relation === 'around')) {
    const matches = offered
      .map((s, index) => ({ index, t: DateTime.fromJSDate(s.startsAt, { zone: timeZone }) }))
      .filter(({ t }) => t.hour * 60 + t.minute === wish.time!.minutes)
      .filter(({ t }) => !wish.day || (t.toISODate()! >= wish.day.from && t.toISODate()! <= wish.day.to))
      .filter(({ index }) => !wish.practitionerIds || wish.practitionerIds.includes(offered[index]!.practitionerId));
    if (matches.length === 1) return { kind: 'take', index: matches[0]!.index };
  }
  if (u.intent === 'later') return { kind: 'later' };
  if (u.intent === 'earlier') return { kind: 'earlier' };
  if (Object.keys(wish).length > 0) return { kind: 'wish', wish };
  if (u.intent === 'yes') return offered.length === 1 ? { kind: 'take', index: 0 } : { kind: 'which' };
  if (u.intent === 'no') return { kind: 'no' };
  return { kind: 'unclear' };
}
