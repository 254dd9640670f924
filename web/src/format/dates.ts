// Dates and times on the dashboard: written the clinic's way (src/contracts/dates.ts, the
// same words the audit log uses), and typed the clinic's way — date inputs use DateField
// and TimeField, which read what is typed here.
export * from '../../../src/contracts/dates.js';

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
