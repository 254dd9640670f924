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
