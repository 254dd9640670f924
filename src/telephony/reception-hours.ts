// Reception in its hours (the queue, the desk phone or voicemail), and outside them
// the next opening said aloud before the caller chooses a message or booking.
import { isOpenAt, nextOpening } from '../diary/opening-hours.js';
import { toReception } from '../reception/queue.js';
import { loadReceptionHours } from '../reception/hours.js';
import { speakClock, speakDateTime, type SpeakOptions } from '../voice/speech.js';

import type { Ivr } from './phone.js';

export function receptionHours(ivr: Ivr) {
  return loadReceptionHours(ivr.deps.db.prisma, ivr.call.clinic, ivr.deps.clock());
}
type ReceptionHours = Awaited<ReturnType<typeof receptionHours>>;

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** "We're open now, until 6. Reception is open Monday to Friday, 8:30 to 6." — days with the same hours run together. */
export function speakOpeningHours(h: ReceptionHours, o: SpeakOptions): string {
  if (h.hours.length === 0) return 'Reception does not take calls at set hours.';
  const clock = (m: number) => speakClock(Math.floor(m / 60), m % 60, o.locale);
  const byDay = new Map<number, string>();
  for (const r of [...h.hours].sort((a, b) => a.startMinute - b.startMinute)) {
    const span = `${clock(r.startMinute)} to ${clock(r.endMinute)}`;
    byDay.set(r.weekday, byDay.has(r.weekday) ? `${byDay.get(r.weekday)} and ${span}` : span);
  }
  const runs: Array<{ from: number; to: number; span: string }> = [];
  for (let d = 1; d <= 7; d++) {
    const span = byDay.get(d);
    if (!span) continue;
    const last = runs[runs.length - 1];
    if (last && last.to === d - 1 && last.span === span) last.to = d;
    else runs.push({ from: d, to: d, span });
  }
  const said = runs
    .map(
      (r) =>
        `${WEEKDAY_NAMES[r.from]}${r.to > r.from ? `${r.to - r.from > 1 ? ' to' : ' and'} ${WEEKDAY_NAMES[r.to]}` : ''}, ${r.span}`,
    )
    .join('; ');
  const open = isOpenAt(o.now, h);
  const next = open ? null : nextOpening(o.now, h);
  const lead = open ? "We're open now." : next ? `We're closed now and open again ${speakDateTime(next, o)}.` : '';
  return `${lead} Reception is open ${said}.`.trim();
}

/** In opening hours, reception (queue, desk phone or voicemail); outside them, the next opening, then a message or booking. */
export async function reception(ivr: Ivr): Promise<string> {
  const hours = await receptionHours(ivr);
  const now = ivr.deps.clock();
  if (isOpenAt(now, hours)) return toReception(ivr);
  await ivr.setOutcome('out_of_hours');
  const next = nextOpening(now, hours);
  ivr.say(
    next
      ? `Reception is closed at the moment. We open again ${speakDateTime(next, ivr.speakOptions())}.`
      : 'Reception is not taking calls at the moment.',
  );
  return askClosed(ivr, '1');
}

/** Out of hours: a message, or booking when the clinic books by phone (never "press 2" to a dead end). */
export function askClosed(ivr: Ivr, attempt: string): string {
  const canBook = ivr.call.words.types.length > 0;
  return ivr.ask(
    ivr.url('closed', { attempt }),
    canBook
      ? 'To leave a message for the clinic, say message or press 1. To book an appointment, say book or press 2.'
      : 'To leave a message for the clinic, say message or press 1.',
    ivr.url('closed', { attempt, silence: '1' }),
  );
}
