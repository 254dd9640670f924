// Every kind of job the service runs, by name (src/jobs/kinds.ts), each handled by its feature.
import type { AppContext } from './context.js';
import { accountMailJobs } from '../accounts/account-mail.js';
import { waitlistJobs } from '../diary/waitlist.js';
import { applyVoicemailCallback } from '../reception/call-backs.js';
import { recordingJobs } from '../recordings/jobs.js';
import { ringBackJobs } from '../reception/ring-back.js';
import { statisticsJobs } from '../statistics/jobs.js';
import { textJobs } from '../texts/texts.js';
import { offerByText } from '../texts/waitlist-offers.js';
import { forTheRunner, type JobHandlers } from '../jobs/kinds.js';
import type { JobHandler } from '../jobs/runner.js';

export const jobHandlers = (ctx: AppContext): Record<string, JobHandler> => {
  // Typed as every kind's handler: a kind added to JobPayloads without one fails the typecheck here.
  const handlers: JobHandlers = {
    ...textJobs(ctx),
    ...accountMailJobs(ctx),
    ...ringBackJobs(ctx),
    ...statisticsJobs(ctx),
    ...recordingJobs(ctx, (lost) => applyVoicemailCallback(ctx, lost)),
    ...waitlistJobs(ctx, (clinicId, freed, candidates) => offerByText(ctx, clinicId, freed, candidates)),
  };
  return forTheRunner(handlers);
};
