// Offering free times that fit what the caller asked for, pure: which searches to run
// (the wish exactly, then widened one step at a time, saying what was widened), which
// found times come first, and how three of them are said in one breath ("Dr Khan has
// Tuesday the 8th at 2, quarter past 3 or 4"). The step that runs the searches is in
// booking-line.ts.
import { DateTime } from 'luxon';
import { type MinuteWindow, PARTS_OF_DAY } from '../contracts/parts-of-day.js';
import type { Slot } from '../diary/slots.js';
import type { Wish } from '../understanding/understand.js';
import { ordinal, speakClock, us } from '../voice/speech.js';

export const OFFER_SIZE = 3;
/** How far either side of "at 2" or "around 11" a time still fits. */
const NEAR_MINUTES = 90;

export interface SlotSearch {
  from?: Date;
  before?: Date;
  minutes?: MinuteWindow;
  practitionerIds?: readonly string[];
  /** Times nearest this minute of the day come first ("at 2", "around 11"). */
  nearMinute?: number;
  /** What this search gave up of the wish, to say before its times; none for the wish itself. */
  widened?: 'time' | 'day' | 'practitioner' | 'everything';
}

interface Zone {
  timeZone: string;
  now: Date;
}

const intersect = (a: MinuteWindow | undefined, b: MinuteWindow | undefined): MinuteWindow | undefined =>
  !a ? b : !b ? a : { from: Math.max(a.from, b.from), to: Math.min(a.to, b.to) };

/** The minutes of the day a wish's part of day and time allow. */
export function minutesOf(wish: Pick<Wish, 'partOfDay' | 'time'>): MinuteWindow | undefined {
  const part = wish.partOfDay ? PARTS_OF_DAY[wish.partOfDay] : undefined;
  const t = wish.time;
  const time: MinuteWindow | undefined = !t
    ? undefined
    : t.relation === 'after'
      ? { from: t.minutes, to: 24 * 60 }
      : t.relation === 'before'
        ? { from: 0, to: t.minutes }
        : { from: t.minutes - NEAR_MINUTES, to: t.minutes + NEAR_MINUTES + 1 };
  const both = intersect(part, time);
  // "Morning at 2" cannot both hold: the time said wins.
  return both && both.from >= both.to ? time : both;
}

/** The instants a wish's days cover, in the clinic's zone. */
export function daysOf(wish: Pick<Wish, 'day'>, zone: Zone): { from?: Date; before?: Date } {
  if (!wish.day) return {};
  const from = DateTime.fromISO(wish.day.from, { zone: zone.timeZone }).startOf('day');
  const to = DateTime.fromISO(wish.day.to, { zone: zone.timeZone }).plus({ days: 1 }).startOf('day');
  return { from: from.toJSDate(), before: to.toJSDate() };
}

/**
 * The searches for a wish, best first: the wish itself; then the same day(s) at any
 * time; then from that day on at the time wished; then anyone else; then the next
 * free times of all. Only those that differ from the ones before are kept.
 */
export function searchesFor(wish: Wish, zone: Zone): SlotSearch[] {
  const minutes = minutesOf(wish);
  const days = daysOf(wish, zone);
  const nearMinute =
    wish.time && (wish.time.relation === 'at' || wish.time.relation === 'around') ? wish.time.minutes : undefined;
  const who = wish.practitionerIds?.length ? { practitionerIds: wish.practitionerIds } : {};
  const searches: SlotSearch[] = [{ ...days, minutes, nearMinute, ...who }];
  if (minutes && wish.day) searches.push({ ...days, ...who, widened: 'time' });
  if (wish.day) searches.push({ from: days.from, minutes, nearMinute, ...who, widened: 'day' });
  if (wish.practitionerIds?.length) searches.push({ ...days, minutes, nearMinute, widened: 'practitioner' });
  if (minutes || wish.day || wish.practitionerIds?.length) searches.push({ widened: 'everything' });
  return searches;
}

/** The times to offer from those a search found: by day, and on a day nearest the time wished. */
export function bestFirst(slots: readonly Slot[], search: SlotSearch, timeZone: string): Slot[] {
  if (search.nearMinute === undefined) return slots.slice(0, OFFER_SIZE);
  const local = (s: Slot) => DateTime.fromJSDate(s.startsAt, { zone: timeZone });
  const firstDay = slots.length ? local(slots[0]!).toISODate() : null;
  return slots
    .filter((s) => local(s).toISODate() === firstDay)
    .map((s) => ({ s, off: Math.abs(local(s).hour * 60 + local(s).minute - search.nearMinute!) }))
    .sort((a, b) => a.off - b.off || a.s.startsAt.getTime() - b.s.startsAt.getTime())
    .slice(0, OFFER_SIZE)
    .map(({ s }) => s)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export interface SpeakWhen {
  timeZone: string;
  locale: string;
  now: Date;
}

/** A day in few words: "today", "tomorrow", "Tuesday the 8th", "Tuesday the 15th of December" (US: "Tuesday, December 15th"). */
export function speakDay(instant: Date, o: SpeakWhen): string {
  const t = DateTime.fromJSDate(instant, { zone: o.timeZone });
  const today = DateTime.fromJSDate(o.now, { zone: o.timeZone }).startOf('day');
  const days = Math.round(t.startOf('day').diff(today, 'days').days);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  const weekday = t.setLocale('en-GB').toFormat('cccc');
  const month = t.setLocale('en-GB').toFormat('LLLL');
  if (us(o.locale)) return days < 7 ? `${weekday} the ${ordinal(t.day)}` : `${weekday}, ${month} ${ordinal(t.day)}`;
  return days < 7 ? `${weekday} the ${ordinal(t.day)}` : `${weekday} the ${ordinal(t.day)} of ${month}`;
}

/** "on Tuesday the 8th", "tomorrow": a day after a verb ("your appointment is tomorrow at 2"). */
export const onDay = (instant: Date, o: SpeakWhen): string => {
  const day = speakDay(instant, o);
  return day === 'today' || day === 'tomorrow' ? day : `on ${day}`;
};

/** "on Tuesday the 8th at quarter past 3": one time, for read-backs; `full` always names the month. */
export function speakWhen(instant: Date, o: SpeakWhen, full = false): string {
  const t = DateTime.fromJSDate(instant, { zone: o.timeZone });
  const day = full ? fullDay(instant, o) : onDay(instant, o);
  return `${day} at ${speakClock(t.hour, t.minute, o.locale)}`;
}

/** "today, Monday the 7th of June", "on Tuesday the 8th of December" (US: "on Tuesday, December 8th"). */
function fullDay(instant: Date, o: SpeakWhen): string {
  const t = DateTime.fromJSDate(instant, { zone: o.timeZone }).setLocale('en-GB');
  const relative = speakDay(instant, o);
  const date = us(o.locale)
    ? `${t.toFormat('cccc')}, ${t.toFormat('LLLL')} ${ordinal(t.day)}`
    : `${t.toFormat('cccc')} the ${ordinal(t.day)} of ${t.toFormat('LLLL')}`;
  return relative === 'today' || relative === 'tomorrow' ? `${relative}, ${date}` : `on ${date}`;
}

const list = (items: string[], or = 'or') =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${or} ${items[items.length - 1]}`;

/**
 * Up to three times as one sentence, grouped by who and which day, in the order they
 * are numbered: "Dr Khan has Tuesday the 8th at 2, quarter past 3 or 4."
 */
export function speakOffer(slots: readonly Slot[], names: ReadonlyMap<string, string>, o: SpeakWhen): string {
  const groups: Array<{ who: string; days: Array<{ day: string; times: string[] }> }> = [];
  for (const s of slots) {
    const who = names.get(s.practitionerId) ?? 'We';
    const day = speakDay(s.startsAt, o);
    const t = DateTime.fromJSDate(s.startsAt, { zone: o.timeZone });
    const time = speakClock(t.hour, t.minute, o.locale);
    let g = groups[groups.length - 1];
    if (!g || g.who !== who) groups.push((g = { who, days: [] }));
    let d = g.days[g.days.length - 1];
    if (!d || d.day !== day) g.days.push((d = { day, times: [] }));
    d.times.push(time);
  }
  return (
    groups
      .map(
        (g) => `${g.who} ${g.who === 'We' ? 'have' : 'has'} ${list(g.days.map((d) => `${d.day} at ${list(d.times)}`))}`,
      )
      .join('; ') + '.'
  );
}

/** Why the times offered are not quite what was asked, in the caller's terms. */
export function widenedNote(search: SlotSearch, wish: Wish, o: SpeakWhen & { practitionerNames: string }): string {
  if (!search.widened) return '';
  const when = wish.day ? describeDays(wish, o) : '';
  const part = wish.partOfDay ? ` in the ${wish.partOfDay === 'lunchtime' ? 'lunch hour' : wish.partOfDay}` : '';
  const at = wish.time ? ` ${describeTime(wish.time, o.locale)}` : '';
  const who = wish.practitionerIds?.length ? `${o.practitionerNames} has` : 'There is';
  return `${who} nothing free${when ? ` ${when}` : ''}${part}${at}. The nearest:`.replace(/\s+/g, ' ');
}

function describeDays(wish: Wish, o: SpeakWhen): string {
  const { from, to } = wish.day!;
  const a = DateTime.fromISO(from, { zone: o.timeZone });
  if (from === to) return onDay(a.toJSDate(), o);
  const b = DateTime.fromISO(to, { zone: o.timeZone });
  return `between ${speakDay(a.toJSDate(), o)} and ${speakDay(b.toJSDate(), o)}`;
}

function describeTime(t: NonNullable<Wish['time']>, locale: string): string {
  const clock = speakClock(Math.floor(t.minutes / 60), t.minutes % 60, locale);
  return { at: `at ${clock}`, after: `after ${clock}`, before: `before ${clock}`, around: `around ${clock}` }[
    t.relation
  ];
}
