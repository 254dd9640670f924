// The calendar's words for the server's values.
import { PARTS_OF_DAY, type PartOfDay } from '../../../src/contracts/parts-of-day';
import { clockText } from './grid';

/** The phone line's parts of the day, as the desk reads them: "Afternoon (12:00–17:00)". */
export const PARTS_OF_DAY_SHOWN: Array<[PartOfDay, string]> = (Object.keys(PARTS_OF_DAY) as PartOfDay[]).map((part) => {
  const { from, to } = PARTS_OF_DAY[part];
  const range =
    from === 0
      ? `before ${clockText(to)}`
      : to === 24 * 60
        ? `from ${clockText(from)}`
        : `${clockText(from)}–${clockText(to)}`;
  return [part, `${part[0]!.toUpperCase()}${part.slice(1)} (${range})`];
});

/** "Tuesday 8 June", "Tue 8 Jun" or "Tue 8", in the clinic's language; `date` is a local date like 2027-06-08. */
export function dayText(date: string, locale: string, length: 'long' | 'short' | 'narrow' = 'long'): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(locale, {
    timeZone: 'UTC',
    weekday: length === 'long' ? 'long' : 'short',
    day: 'numeric',
    ...(length === 'narrow' ? {} : { month: length }),
  });
}

/** "November": the month of a local date, in the clinic's language. */
export const monthOf = (date: string, locale: string) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString(locale, { timeZone: 'UTC', month: 'long' });
