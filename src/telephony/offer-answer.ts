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
  const { wish } = u;
  const local = (s: Offered) => DateTime.fromJSDate(s.startsAt, { zone: timeZone });
  // "Dr Khan's one", "the first one with Dr Khan": counted among that practitioner's times.
  const pool = offered
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => !wish.practitionerIds || wish.practitionerIds.includes(s.practitionerId));
  const one = (found: typeof pool): OfferAnswer =>
    found.length === 1
      ? { kind: 'take', index: found[0]!.index }
      : found.length > 1
        ? { kind: 'which' }
        : { kind: 'unclear' };
  if (u.choice !== undefined) {
    if (u.choice === 'last')
      return pool.length ? { kind: 'take', index: pool[pool.length - 1]!.index } : { kind: 'unclear' };
    if (u.choice <= pool.length) return { kind: 'take', index: pool[u.choice - 1]!.index };
    // "Eleven", "the nine": more than the times offered, so an hour (a clinic's: 7–11 morning, 1–6 afternoon).
    if (u.choice <= 12) {
      const hour = u.choice === 12 ? 12 : u.choice >= 7 ? u.choice : u.choice + 12;
      const inHour = pool.filter(({ s }) => local(s).hour === hour);
      const onTheHour = inHour.filter(({ s }) => local(s).minute === 0);
      return one(onTheHour.length ? onTheHour : inHour);
    }
    return { kind: 'unclear' };
  }
  // "I'll take Dr Khan's one": the practitioner names one of the times offered. ("With Dr Khan
  // instead" is a new wish: his times are offered.)
  const takesOne = /\b(take|one|that)\b|'s\b/i.test(heard.said ?? '');
  const onlyWho = wish.practitionerIds && !wish.day && !wish.time && !wish.partOfDay && !wish.typeId;
  if (onlyWho && takesOne && pool.length === 1 && offered.length > 1) return { kind: 'take', index: pool[0]!.index };
  // "The 2 o'clock", "half past three on Tuesday": one of those offered, when one matches.
  if (wish.time && (wish.time.relation === 'at' || wish.time.relation === 'around')) {
    const matches = pool
      .filter(({ s }) => local(s).hour * 60 + local(s).minute === wish.time!.minutes)
      .filter(({ s }) => !wish.day || (local(s).toISODate()! >= wish.day.from && local(s).toISODate()! <= wish.day.to));
    // One match is taken; the same time with two practitioners asks which of them.
    if (matches.length) return one(matches);
  }
  if (u.intent === 'later') return { kind: 'later' };
  if (u.intent === 'earlier') return { kind: 'earlier' };
  if (Object.keys(wish).length > 0) return { kind: 'wish', wish };
  if (u.intent === 'yes') return offered.length === 1 ? { kind: 'take', index: 0 } : { kind: 'which' };
  if (u.intent === 'no') return { kind: 'no' };
  return { kind: 'unclear' };
}
