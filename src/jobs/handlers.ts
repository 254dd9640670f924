// Every kind of job the service runs, by name. A job's payload names rows, never
// carries personal data, so the job table holds nothing worth stealing.
import type { AppContext } from '../context.js';
import { waitlistJobs } from '../diary/waitlist.js';
import { recordingJobs } from '../recordings/pipeline.js';
import { statisticsJobs } from '../statistics/jobs.js';
import { textJobs } from '../texts/texts.js';
import type { JobHandler } from './runner.js';

export const jobHandlers = (ctx: AppContext): Record<string, JobHandler> => ({
  ...textJobs(ctx),
  ...statisticsJobs(ctx),
  ...recordingJobs(ctx),
  ...waitlistJobs(ctx),
});
