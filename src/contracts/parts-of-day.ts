// The parts of a day as callers and receptionists mean them (shared with the dashboard), in the clinic's wall-clock
// minutes: one definition for the phone line ("Tuesday afternoon") and the diary's
// free-time search. A slot belongs to a part when it starts inside it.

export type PartOfDay = 'morning' | 'lunchtime' | 'afternoon' | 'evening';

export interface MinuteWindow {
  /** Minutes after local midnight, inclusive. */
  from: number;
  /** Minutes after local midnight, exclusive. */
  to: number;
}

export const PARTS_OF_DAY: Record<PartOfDay, MinuteWindow> = {
  morning: { from: 0, to: 12 * 60 },
  lunchtime: { from: 11 * 60 + 30, to: 14 * 60 },
  afternoon: { from: 12 * 60, to: 17 * 60 },
  // "After work": from five.
  evening: { from: 17 * 60, to: 24 * 60 },
};
