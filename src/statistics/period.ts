// Which days the statistics show when the owner has not chosen: a pure rule on local dates.
import { DateTime } from 'luxon';

const minusDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'utc' }).minus({ days }).toISODate()!;

/**
 * The last 28 days up to today, but not from before the clinic's first incoming call:
 * an owner opening Statistics wants the days their line has worked, not weeks of empty
 * bars from before it went live (the demo's week of calls drowned in 21 empty days). At
 * least the last 7 days, so a new clinic still sees a week's shape (busy Mondays, quiet
 * weekends) rather than one lonely bar; no call yet gives the last 7 days too.
 */
export function defaultPeriod(today: string, firstCall: string | null): { from: string; to: string } {
  const longest = minusDays(today, 27);
  const shortest = minusDays(today, 6);
  const from = firstCall === null || firstCall > shortest ? shortest : firstCall < longest ? longest : firstCall;
  return { from, to: today };
}
