// The call-back list as the desk works it: someone takes an entry ("I'll ring her"),
// logs each try by hand with what came of it and a note, and closes it with a reason
// (call-backs.ts). Tries logged here sit beside the dialler's in the one attempt model;
// they do not use up the dialler's tries.
import { recordAudit } from '../core/audit.js';
import { Conflict, NotFound } from '../core/errors.js';
import type { CallBackDeps } from './call-backs.js';

/** What a try made by hand came to. */
export const DESK_TRY_RESULTS = ['spoke_to_them', 'left_message', 'no_answer', 'busy', 'wrong_number'] as const;
export type DeskTryResult = (typeof DESK_TRY_RESULTS)[number];

async function openEntry(deps: CallBackDeps, clinicId: string, callBackId: string) {
  const entry = await deps.db.prisma.callBack.findFirst({
    where: { id: callBackId, clinicId },
    select: { id: true, doneAt: true, assignedTo: true },
  });
  if (!entry) throw new NotFound('No such call-back');
  if (entry.doneAt) throw new Conflict('already_done', 'This call-back has been closed already.');
  return entry;
}

/** Takes a call-back to work (`userId`, a member of the clinic) or lets it go (null); told to every desk. */
export async function assignCallBack(
  deps: CallBackDeps,
  who: { clinicId: string; userId: string },
  callBackId: string,
  assignTo: string | null,
) {
  const entry = await openEntry(deps, who.clinicId, callBackId);
  const assignee = assignTo
    ? await deps.db.prisma.membership.findUnique({
        where: { userId_clinicId: { userId: assignTo, clinicId: who.clinicId } },
        select: { user: { select: { id: true, email: true, name: true } } },
      })
    : null;
  if (assignTo && !assignee) throw new NotFound('No such member of staff here', 'userId');
  const now = deps.clock();
  await deps.db.prisma.$transaction(async (tx) => {
    await tx.callBack.update({
      where: { id: entry.id },
      data: { assignedTo: assignTo, assignedAt: assignTo ? now : null },
    });
    await recordAudit(tx, {
      actor: { type: 'user', userId: who.userId },
      action: assignTo ? 'callback.assigned' : 'callback.unassigned',
      clinicId: who.clinicId,
      subject: { type: 'call_back', id: entry.id },
      details: assignTo ? { assignedTo: assignTo } : undefined,
    });
  });
  const assignedTo = assignee
    ? { userId: assignee.user.id, email: assignee.user.email, name: assignee.user.name }
    : null;
  deps.events.publish('callback.worked', who.clinicId, { callBackId: entry.id }, now);
  return { id: entry.id, assignedTo };
}

/** A try made by hand (the desk's own phone, say), with what came of it and a note. */
export async function logCallBackTry(
  deps: CallBackDeps,
  who: { clinicId: string; userId: string },
  callBackId: string,
  input: { result: DeskTryResult; note?: string | null },
) {
  const entry = await openEntry(deps, who.clinicId, callBackId);
  const now = deps.clock();
  const attempt = await deps.db.prisma.$transaction(async (tx) => {
    const made = await tx.callBackAttempt.create({
      data: {
        callBackId: entry.id,
        clinicId: who.clinicId,
        staffId: who.userId,
        startedAt: now,
        endedAt: now,
        settledAt: now,
        result: input.result,
        note: input.note || null,
        via: 'desk',
      },
      select: { id: true, startedAt: true, result: true, note: true },
    });
    await recordAudit(tx, {
      actor: { type: 'user', userId: who.userId },
      action: 'callback.try_logged',
      clinicId: who.clinicId,
      subject: { type: 'call_back', id: entry.id },
      details: { result: input.result },
    });
    return made;
  });
  deps.events.publish('callback.worked', who.clinicId, { callBackId: entry.id }, now);
  return attempt;
}
