// The phone line's steps: a call step (src/voice/call-step.ts) that may also change
// the diary, for the menu, booking, changing and cancelling by phone.
import type { AlongWith, DiaryDeps } from '../diary/booking.js';
import type { CallState } from '../calls/call-state.js';
import type { CallStep, StepDeps } from '../voice/call-step.js';

export type PhoneDeps = StepDeps & Pick<DiaryDeps, 'diaryChangeWrites'>;
export type Ivr = CallStep<PhoneDeps>;

/** The call's outcome (and menu state), written inside the diary change that made it true. */
export function outcomeAlongWith(
  ivr: Ivr,
  outcome: 'booked' | 'moved' | 'cancelled',
  state?: (appointmentId: string) => CallState,
): AlongWith {
  return async (tx, appointment) => {
    const ivrState = state?.(appointment.id);
    await tx.call.update({ where: { id: ivr.call.id }, data: { outcome, ...(ivrState ? { ivrState } : {}) } });
    if (ivrState) ivr.call.ivrState = ivrState;
  };
}
