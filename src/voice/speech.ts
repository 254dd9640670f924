// How times are said on the phone: "Tuesday the 4th of March at half past two with
// Dr Patel". Pure: the clinic's zone and locale and "now" come in as arguments.
import { DateTime } from 'luxon';

const HOURS = ['twelve', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'];
/** Minutes past or to the hour as they are said: "quarter", "half", "twenty". */
export const MINUTE_WORDS: Readonly<Record<number, string>> = {
  5: 'five',
  10: 'ten',
  15: 'quarter',
  20: 'twenty',
  25: 'twenty-five',
  30: 'half',
};

export const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};

/** "half past two", "quarter to ten in the morning", "midday", "five past six in the evening". */
export function speakClockBritish(hour: number, minute: number): string {
  if (hour === 12 && minute === 0) return 'midday';
  if (hour === 0 && minute === 0) return 'midnight';
  const part = hour < 12 ? ' in the morning' : hour >= 18 ? ' in the evening' : '';
  const towards = minute > 30;
  const h = HOURS[(hour + (towards ? 1 : 0)) % 12]!;
  const m = towards ? 60 - minute : minute;
  if (minute === 0) return `${h} o'clock${part}`;
  const words = MINUTE_WORDS[m] ?? `${m} ${m === 1 ? 'minute' : 'minutes'}`;
  // "to" belongs to the next hour, whose part of the day may differ (11:45 → quarter to twelve).
  const nextPart = towards
    ? (hour + 1) % 24 < 12
      ? ' in the morning'
      : (hour + 1) % 24 >= 18
        ? ' in the evening'
        : ''
    : part;
  if (towards && (hour + 1) % 24 === 12) return `${words} to midday`;
  return `${words} ${towards ? 'to' : 'past'} ${h}${nextPart}`;
}

export interface SpeakOptions {
  timeZone: string;
  locale: string;
  now: Date;
}

/** The day and time of an instant as a caller should hear it, relative to today when close. */
export function speakDateTime(instant: Date, o: SpeakOptions): string {
  const t = DateTime.fromJSDate(instant, { zone: o.timeZone });
  const today = DateTime.fromJSDate(o.now, { zone: o.timeZone }).startOf('day');
  const days = Math.round(t.startOf('day').diff(today, 'days').days);
  const relative = days === 0 ? 'today, ' : days === 1 ? 'tomorrow, ' : '';
  const lang = o.locale.toLowerCase();
  if (lang === 'en-us' || lang === 'en-ca') {
    const time = t.minute === 0 ? t.toFormat('h a') : t.toFormat('h:mm a');
    return `${relative}${t.setLocale('en-US').toFormat('cccc, LLLL')} ${ordinal(t.day)} at ${time}`;
  }
  if (lang.startsWith('en')) {
    return `${relative}${t.setLocale('en-GB').toFormat('cccc')} the ${ordinal(t.day)} of ${t.setLocale('en-GB').toFormat('LLLL')} at ${speakClockBritish(t.hour, t.minute)}`;
  }
  // Other languages: the locale's own full date and time, which Twilio's voices read well.
  return t
    .setLocale(o.locale)
    .toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });
}

/** "Tuesday the 4th of March at half past two with Dr Patel". */
export const speakSlot = (slot: { startsAt: Date; spokenName: string }, o: SpeakOptions): string =>
  `${speakDateTime(slot.startsAt, o)} with ${slot.spokenName}`;

/** A wait, rounded for the ear: "1 minute", "5 minutes"; under a minute is "less than a minute". */
export function speakDuration(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** "The wait is less than a minute." / "The wait is about 5 minutes." */
export const speakWait = (seconds: number): string =>
  seconds < 60 ? 'The wait is less than a minute.' : `The wait is about ${speakDuration(seconds)}.`;

/** "a" or "an" before a word said aloud: "an 8-second message", "an appointment", "a check-up". */
export function article(word: string): 'a' | 'an' {
  const w = word.trim().toLowerCase();
  if (/^(8|11|18|8\d)\b|^(8|11|18)(?!\d)/.test(w)) return 'an';
  if (/^(uni|use|usu|eu|one|once)/.test(w)) return 'a';
  if (/^(hour|honest|honou?r|heir)/.test(w)) return 'an';
  return /^[aeiou]/.test(w) ? 'an' : 'a';
}

/** Whether the clinic speaks American English. */
export const us = (locale: string) => locale.toLowerCase() === 'en-us';

/** A clock time in few words: "2", "quarter past 3", "half past 10", "twenty to 4", "7 in the evening". */
export function speakClock(hour: number, minute: number, locale: string): string {
  if (hour === 12 && minute === 0) return us(locale) ? 'noon' : 'midday';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  // The hours a clinic keeps need no "am" or "pm": 7 to 11 are the morning, 12 to 6 the afternoon.
  // Said as "to" the next hour, it is that hour whose part of the day must be clear (18:45: "quarter to 7 in the evening").
  const said = minute > 30 ? (hour + 1) % 24 : hour;
  const outside = said < 7 || said >= 19;
  const part = outside ? (said < 12 ? ' in the morning' : ' in the evening') : '';
  if (us(locale))
    return `${h12}${minute ? `:${String(minute).padStart(2, '0')}` : ''}${outside ? (hour < 12 ? ' a.m.' : ' p.m.') : ''}`;
  if (minute === 0) return `${h12}${part}`;
  const next = (h12 % 12) + 1;
  const words = MINUTE_WORDS;
  if (minute <= 30 && words[minute]) return `${words[minute]} past ${h12}${part}`;
  if (minute > 30 && words[60 - minute]) return `${words[60 - minute]} to ${next}${part}`;
  return `${h12} ${String(minute).padStart(2, '0')}${part}`;
}
