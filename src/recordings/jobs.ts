// The recordings' jobs: bringing each home, deleting Twilio's copies, the hourly
// reconciliation with Twilio's list and the daily retention purge.
import type { Services } from '../core/services.js';
import { periodic } from '../jobs/periodic.js';
import type { JobHandlers } from '../jobs/kinds.js';
import { PermanentJobError } from '../jobs/runner.js';
import { deleteAtTwilio } from '../twilio/recordings.js';
import { bringHome, type RecordingDeps } from './pipeline.js';
import { type FileVoicemail, RECONCILE_EVERY_MS, reconcileRecordings } from './reconcile.js';
import { purgeExpired } from './retention.js';
import { PURGE_EVERY_MS } from './retention-rules.js';

export const recordingJobs = (
  deps: RecordingDeps & Pick<Services, 'logger'>,
  fileVoicemail: FileVoicemail,
): Pick<
  JobHandlers,
  'recording.fetch' | 'recording.delete-at-twilio' | 'recordings.reconcile' | 'retention.purge'
> => ({
  'recording.fetch': async ({ recordingId }) => bringHome(deps, recordingId),
  // After an erasure or a clinic's closure: the row is gone, Twilio's copy must follow.
  'recording.delete-at-twilio': async ({ recordingSid }) => {
    if (!deps.twilio) throw new PermanentJobError('Twilio is not configured, so its copy cannot be deleted');
    await deleteAtTwilio(deps.twilio, recordingSid);
  },
  'recordings.reconcile': periodic(
    () => deps.db.prisma,
    'recordings.reconcile',
    RECONCILE_EVERY_MS,
    deps.clock,
    async () => {
      const r = await reconcileRecordings(deps, fileVoicemail);
      if (r.filed + r.deleted + r.fetching > 0) deps.logger.info(r, 'reconciled recordings with Twilio');
    },
  ),
  'retention.purge': periodic(
    () => deps.db.prisma,
    'retention.purge',
    PURGE_EVERY_MS,
    deps.clock,
    async () => {
      const report = await purgeExpired(deps);
      if (!report) deps.logger.info('retention purge skipped: another run holds the lease');
      else
        deps.logger.info(
          { clinics: report.clinics.length, ms: report.finishedAt.getTime() - report.startedAt.getTime() },
          'retention purge done',
        );
    },
  ),
});
