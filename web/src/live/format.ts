// How the dashboard writes numbers, waits and times.

/** "+44 •••• ••0123": enough to recognise a caller, not enough to copy down. */
export const maskNumber = (n: string) =>
  /^\+\d{8,}$/.test(n) ? `${n.slice(0, 3)} •••• ••${n.slice(-4)}` : n === 'anonymous' ? 'Withheld number' : n;

/** Who is probably calling: the patients a number belongs to ("Jane Doe or John Doe"), else `otherwise`. */
export const callerNames = (callers: Array<{ name: string }> | undefined, otherwise: string) =>
  callers && callers.length > 0 ? callers.map((c) => c.name).join(' or ') : otherwise;

export function waitText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const timeIn = (iso: string, timeZone: string, locale: string) =>
  new Date(iso).toLocaleString(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

/** Why nobody answered a caller, in the desk's words (Call.missedBecause). */
const MISSED: Record<string, string> = {
  hung_up_waiting: 'Hung up while waiting',
  longest_wait: 'Waited the longest wait, then voicemail',
  queue_full: 'Queue was full',
  nobody_free: 'Nobody was free to answer',
  desk_unanswered: 'Desk phone not answered',
  not_put_through: 'Could not be put through',
  asked_for_message: 'Asked to leave a message',
  out_of_hours_message: 'Rang out of hours',
  urgent_out_of_hours: 'Urgent, out of hours',
};

/** "Nobody was free to answer · waited 2 min · 3 calls": what a call-back entry's calls went through, latest first. */
export function callBackStory(calls: Array<{ missedBecause: string | null; waitedSeconds: number | null }>): string {
  const latest = calls.at(-1);
  const parts: string[] = [];
  if (latest?.missedBecause) parts.push(MISSED[latest.missedBecause] ?? latest.missedBecause.replace(/_/g, ' '));
  if (latest?.waitedSeconds != null && latest.waitedSeconds >= 60)
    parts.push(`waited ${Math.round(latest.waitedSeconds / 60)} min`);
  if (calls.length > 1) parts.push(`${calls.length} calls`);
  return parts.join(' · ');
}
