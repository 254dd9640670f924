// Every kind of job the service runs, by name. A job's payload names rows, never
// carries personal data, so the job table holds nothing worth stealing.
import type { AppContext } from './context.js';
import { waitlistJobs } from '../diary/waitlist.js';
import { applyVoicemailCallback } from '../reception/call-backs.js';
import { recordingJobs } from '../recordings/jobs.js';
import { statisticsJobs } from '../statistics/jobs.js';
import { textJobs } from '../texts/texts.js';
import { offerByText } from '../texts/waitlist-offers.js';
import type { JobHandler } from '../jobs/runner.js';

export const jobHandlers = (ctx: AppContext): Record<string, JobHandler> => ({
  ...textJobs(ctx),
  ...statisticsJobs(ctx),
  ...recordingJobs(ctx, (lost) => applyVoicemailCallback(ctx, lost)),
  ...waitlistJobs(ctx, (clinicId, freed, candidates) => offerByText(ctx, clinicId, freed, candidates)),
});
