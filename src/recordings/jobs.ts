// The recordings' jobs: bringing each home, deleting Twilio's copies (transcriptions
// too), the hourly reconciliation with Twilio's list and the daily retention purge.
import type { Services } from '../core/services.js';
import { periodic } from '../jobs/periodic.js';
import type { JobHandlers } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { bringHome, type RecordingDeps } from './pipeline.js';
import { type FileVoicemail, RECONCILE_EVERY_MS, reconcileRecordings } from './reconcile.js';
import { purgeExpired } from './retention.js';
import { PURGE_EVERY_MS } from './retention-rules.js';
import { deleteAllAtTwilio } from './twilio-copies.js';

export const recordingJobs = (
  deps: RecordingDeps & Pick<Services, 'logger' | 'meters'>,
  fileVoicemail: FileVoicemail,
): Pick<
  JobHandlers,
  'recording.fetch' | 'recording.delete-at-twilio' | 'recordings.reconcile' | 'retention.purge'
> => ({
  'recording.fetch': async ({ recordingId }) => bringHome(deps, recordingId),
  // After an erasure or a clinic's closure: the row is gone, Twilio's copies must follow.
  'recording.delete-at-twilio': async ({ recordingSid, transcribed, transcriptionSid }) => {
    if (!deps.twilio) throw new PermanentJobError('Twilio is not configured, so its copy cannot be deleted');
    await deleteAllAtTwilio(deps.twilio, {
      recordingSid,
      recordingThere: true, // or gone already: Twilio's 404 counts as deleted
      transcribed: transcribed ?? false,
      transcriptionSid: transcriptionSid ?? null,
    });
  },
  'recordings.reconcile': periodic(
    () => deps.db.prisma,
    'recordings.reconcile',
    RECONCILE_EVERY_MS,
    deps.clock,
    async () => {
      const r = await reconcileRecordings(deps, fileVoicemail);
      if (r.filed + r.deleted + r.fetching + r.waiting > 0) deps.logger.info(r, 'reconciled recordings with Twilio');
    },
  ),
  'retention.purge': periodic(
    () => deps.db.prisma,
    'retention.purge',
    PURGE_EVERY_MS,
    deps.clock,
    async () => {
      const report = await purgeExpired(deps).catch((err: unknown) => {
        deps.meters.retentionPurge('failed');
        throw err;
      });
      deps.meters.retentionPurge(report ? 'done' : 'skipped');
      if (!report) deps.logger.info('retention purge skipped: another run holds the lease');
      else
        deps.logger.info(
          { clinics: report.clinics.length, ms: report.finishedAt.getTime() - report.startedAt.getTime() },
          'retention purge done',
        );
    },
  ),
});
