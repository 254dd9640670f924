// One way of writing dates and times per clinic: its locale's (en-GB "Mon, 7 Dec 2026,
// 14:05"; en-US "Mon, Dec 7, 2026, 2:05 PM"), in its time zone — never the browser's or
// the server's. The dashboard writes every date through these, and the audit log reads
// its entries back in the same words.

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
