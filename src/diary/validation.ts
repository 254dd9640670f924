import { z } from 'zod';
import { parseClock } from './local-time.js';

export const uuid = (what: string) => z.uuid({ error: `must be ${what} id` });

const clock = z.string({ error: 'is required' }).transform((text, ctx) => {
  const minutes = parseClock(text);
  if (minutes === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a time like 09:30 (00:00–24:00)' });
    return z.NEVER;
  }
  return minutes;
});

/** Weekly ranges as people write them: [{ weekday: 1, start: "09:00", end: "12:30" }, …]; no overlaps within a day. */
export const weeklyHoursSchema = z
  .array(
    z.strictObject({
      weekday: z.int().min(1, 'must be 1 (Monday) to 7 (Sunday)').max(7, 'must be 1 (Monday) to 7 (Sunday)'),
      start: clock,
      end: clock,
    }),
    { error: 'must be a list of {weekday, start, end}' },
  )
  .max(70, 'has too many ranges')
  .superRefine((ranges, ctx) => {
    ranges.forEach((r, i) => {
      if (r.end <= r.start) ctx.addIssue({ code: 'custom', path: [i, 'end'], message: 'must be after start' });
      const clash = ranges.findIndex((o, j) => j < i && o.weekday === r.weekday && o.start < r.end && r.start < o.end);
      if (clash >= 0)
        ctx.addIssue({ code: 'custom', path: [i, 'start'], message: `overlaps range ${clash} on the same day` });
    });
  })
  .transform((ranges) => ranges.map((r) => ({ weekday: r.weekday, startMinute: r.start, endMinute: r.end })));

export const instantSchema = z.iso
  .datetime({ offset: true, error: 'must be a date-time with its offset, like 2027-03-04T14:30:00Z' })
  .transform((t) => new Date(t));

export const localDateSchema = z.iso.date('must be a date like 2027-03-04');
