// Twilio's list of recordings against ours: a callback lost (it came while the
// database was down, say) leaves a recording at Twilio that we never fetched or
// never deleted. This finds each and finishes the job, so nothing stays there.
import type { AppContext } from '../context.js';
import { schedulePeriodic } from '../jobs/periodic.js';
import { applyVoicemailCallback } from '../reception/call-backs.js';
import { fileCallRecording, queueRecordingFetch } from './pipeline.js';
import { deleteAtTwilio } from '../twilio/recordings.js';

export const RECONCILE_EVERY_MS = 3_600_000;
// A recording younger than this may still have its callback on the way.
const GRACE_MS = 10 * 60_000;

export interface Reconciled {
  atTwilio: number;
  filed: number;
  deleted: number;
  fetching: number;
}

export async function reconcileRecordings(ctx: AppContext): Promise<Reconciled> {
  const result: Reconciled = { atTwilio: 0, filed: 0, deleted: 0, fetching: 0 };
  if (!ctx.twilio) return result;
  const { prisma } = ctx.db;
  const now = ctx.clock();
  const slot = new Date(Math.floor(now.getTime() / RECONCILE_EVERY_MS) * RECONCILE_EVERY_MS).toISOString();
  for (const r of await ctx.twilio.recordings.list({ pageSize: 1000 })) {
    result.atTwilio++;
    if (r.status !== 'completed' && r.status !== 'absent') continue; // still recording or processing
    const row = await prisma.recording.findUnique({ where: { recordingSid: r.sid } });
    if (row?.status === 'completed') {
      await queueRecordingFetch(prisma, r.sid, row.id, `reconcile:${slot}`);
      result.fetching++;
    } else if (row) {
      // Ours, stored or with nothing worth keeping: Twilio's copy should not exist.
      await deleteAtTwilio(ctx.twilio, r.sid);
      await prisma.recording.update({ where: { id: row.id }, data: { deletedAtTwilio: now } });
      result.deleted++;
    } else if (now.getTime() - r.dateCreated.getTime() >= GRACE_MS) {
      // A callback that never arrived — for one of our calls only; another application's recordings are not ours to touch.
      const call = await prisma.call.findUnique({ where: { callSid: r.callSid }, select: { id: true } });
      if (!call) continue;
      const cb = { callSid: r.callSid, recordingSid: r.sid, status: r.status, durationSeconds: Number(r.duration) > 0 ? Number(r.duration) : 0 };
      if (r.source === 'RecordVerb') await applyVoicemailCallback({ prisma, events: ctx.events, clock: ctx.clock }, cb);
      else await fileCallRecording(prisma, cb, now);
      result.filed++;
    }
  }
  return result;
}

export const scheduleReconciliation = (ctx: AppContext, next = false) => schedulePeriodic(ctx.db.prisma, 'recordings.reconcile', RECONCILE_EVERY_MS, ctx.clock(), next);
