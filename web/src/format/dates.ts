// One way of writing dates and times per clinic: its locale's (en-GB "Mon, 7 Dec 2026,
// 14:05"; en-US "Mon, Dec 7, 2026, 2:05 PM"), in its time zone — never the browser's.
// Every screen writes dates through these; date inputs use DateField (the same order).

export interface ClinicTime {
  timeZone: string;
  locale: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(where: ClinicTime, options: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const id = `${where.locale}|${where.timeZone}|${key}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(where.locale, { timeZone: where.timeZone, ...options });
    formats.set(id, f);
  }
  return f;
}

const toDate = (when: string | Date) => (typeof when === 'string' ? new Date(when) : when);
/** A calendar date (yyyy-mm-dd) as an instant that is that date in UTC, for formatting in UTC. */
const ofDay = (date: string) => new Date(`${date}T12:00:00Z`);

/** "Mon 7 Dec 2026": an instant's day in the clinic. */
export const dayOf = (when: string | Date, where: ClinicTime) =>
  formatter(where, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }, 'day').format(toDate(when));

/** "14:05" (en-GB) or "2:05 PM" (en-US): an instant's time in the clinic. */
export const timeOf = (when: string | Date, where: ClinicTime) =>
  // 2-digit hours on a 24-hour clock ("09:05"), as the British write them; "9:05 AM" in the US.
  formatter(where, { hour: where.locale === 'en-US' ? 'numeric' : '2-digit', minute: '2-digit' }, 'time').format(
    toDate(when),
  );

/** "Mon 7 Dec 2026, 14:05": an instant, day and time, in the clinic. */
export const dayAndTime = (when: string | Date, where: ClinicTime) => `${dayOf(when, where)}, ${timeOf(when, where)}`;

/** "Mon 7 Dec 2026": a calendar date (yyyy-mm-dd, as the API sends dates) in the clinic's words. */
export const calendarDate = (date: string, locale: string) =>
  formatter(
    { locale, timeZone: 'UTC' },
    { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
    'cal',
  ).format(ofDay(date));

/** "7 Dec" (en-GB) or "Dec 7" (en-US): a calendar date where the year goes without saying (a chart's axis). */
export const shortDate = (date: string, locale: string) =>
  formatter({ locale, timeZone: 'UTC' }, { day: 'numeric', month: 'short' }, 'short').format(ofDay(date));

/** "16 May 1942": a date of birth, without a weekday. */
export const birthDate = (date: string, locale: string) =>
  formatter({ locale, timeZone: 'UTC' }, { day: 'numeric', month: 'long', year: 'numeric' }, 'birth').format(
    ofDay(date),
  );

/** The order a date is typed in here: "dd/mm/yyyy" (en-GB) or "mm/dd/yyyy" (en-US). */
export const typedDateOrder = (locale: string): 'dmy' | 'mdy' => (locale === 'en-US' ? 'mdy' : 'dmy');

/** The hint shown with a date field. */
export const typedDateHint = (locale: string) => (typedDateOrder(locale) === 'mdy' ? 'mm/dd/yyyy' : 'dd/mm/yyyy');

/** A calendar date as typed here ("07/12/2026"). */
export function typedDate(date: string, locale: string): string {
  const [y, m, d] = date.split('-');
  if (!y || !m || !d) return '';
  return typedDateOrder(locale) === 'mdy' ? `${m}/${d}/${y}` : `${d}/${m}/${y}`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A date as people type it, as yyyy-mm-dd, or null when it is not one: "7/12/2026" in the
 * clinic's order, "7 Dec 2026", "December 7, 2026", or yyyy-mm-dd; a two-digit year is this century's.
 */
export function parseTypedDate(text: string, locale: string): string | null {
  const t = text.trim().toLowerCase().replace(/,/g, ' ');
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const numeric = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})$/.exec(t);
  const words = t.split(/\s+/).filter(Boolean);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (numeric) {
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    [d, m] = typedDateOrder(locale) === 'mdy' ? [b, a] : [a, b];
    y = Number(numeric[3]);
  } else if (words.length === 3) {
    const monthAt = words.findIndex((w) => MONTHS.includes(w.slice(0, 3)) && /^[a-z]+$/.test(w));
    if (monthAt < 0 || monthAt === 2) return null;
    m = MONTHS.indexOf(words[monthAt]!.slice(0, 3)) + 1;
    d = Number(words[monthAt === 0 ? 1 : 0]!.replace(/(st|nd|rd|th)$/, ''));
    y = Number(words[2]);
  } else return null;
  if (y < 100) y += 2000;
  if (!Number.isInteger(d) || !Number.isInteger(m) || !Number.isInteger(y)) return null;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A time of day ("HH:MM", 24-hour, up to 24:00) as the clinic writes it: "09:30" (en-GB) or "9:30 AM" (en-US). */
export function typedTime(hhmm: string, locale: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  if (h === undefined || m === undefined || Number.isNaN(h) || Number.isNaN(m)) return '';
  if (locale !== 'en-US' || h === 24) return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

/** A time of day as people type it ("9", "9:30", "0930", "9.30", "2pm", "2:30 PM", "24:00") as "HH:MM", or null. */
export function parseTypedTime(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?(am|pm|a|p)?$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const min = m[2] ? Number(m[2]) : 0;
  const half = m[3]?.[0];
  if (half) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (half === 'p' ? 12 : 0);
  }
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}
