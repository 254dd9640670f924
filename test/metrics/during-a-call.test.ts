// What an operator's Prometheus sees while the phone line works: scrapes of /metrics
// between the steps of scripted calls, on each database.
import type { Database } from '../../src/core/database.js';
import { JobRunner } from '../../src/jobs/runner.js';
import { queueJob } from '../../src/jobs/kinds.js';
import { schedulePeriodic } from '../../src/jobs/periodic.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { PURGE_EVERY_MS } from '../../src/recordings/retention-rules.js';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import { makeTestApp } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/database.js';
import { METRICS_TOKEN, scrape } from '../helpers/metrics.js';
import { makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';
import { inboundCall, signedTwilioPost } from '../helpers/twilio.js';

describe.each(databaseKinds())("The operator's metrics during calls (%s database)", (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  /** Reception with metrics on, texts on, and the instance's job runner on its clock. */
  async function reception() {
    const r = await makeReception(db, standin, { env: { METRICS_TOKEN } });
    await db.prisma.clinic.update({ where: { id: r.clinic.id }, data: { textMessages: true } });
    const runner = new JobRunner(db, jobHandlers(r.ctx), { logger: r.ctx.logger, clock: r.clock });
    return { ...r, runner };
  }

  it('a caller queues and gives up while Twilio refuses twice: the webhooks, the queue, the refusals and the failed text all show', async () => {
    const { app, clinic, staff, caller, clock, runner } = await reception();
    const anna = await staff();
    await anna.available();
    const before = await scrape(app);
    expect(before.value('clinic_line_queue_callers')).toBe(0);
    expect(before.value('clinic_line_live_connections')).toBe(1); // Anna's dashboard

    const jane = caller();
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 5);
    clock.advance(90_000);
    const waiting = await scrape(app);
    for (const route of ['/twilio/voice', '/twilio/menu', '/twilio/queue/wait'])
      expect(waiting.requests(route, { method: 'POST', status_class: '2xx' }) - before.requests(route)).toBe(1);
    expect(waiting.value('clinic_line_queue_callers')).toBe(1);
    expect(waiting.value('clinic_line_queue_oldest_wait_seconds')).toBe(90);

    // Anna takes her, but Twilio will not move the caller: counted by operation, and Jane still waits.
    standin.fail({ path: /\/Queues\/.*\/Members\//, status: 500, code: 20500, message: 'Internal Server Error' });
    const { id: callId } = await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } });
    const refused = await anna.browser.send('post', `/api/clinics/${clinic.id}/calls/${callId}/answer`);
    expect(refused.status).toBe(502);
    const afterRefusal = await scrape(app);
    expect(afterRefusal.value('clinic_line_twilio_rest_errors_total')).toBe(1);
    expect(
      afterRefusal.value('clinic_line_twilio_rest_errors_total', {
        operation: 'POST Queues/Members',
        failure: 'http_5xx',
      }),
    ).toBe(1);
    expect(afterRefusal.requests('/api/clinics/:clinicId/calls/:callId/answer', { status_class: '5xx' })).toBe(1);
    expect(afterRefusal.value('clinic_line_queue_callers')).toBe(1);

    await jane.leftQueue('hangup', 95);
    await jane.ended(100);
    const gone = await scrape(app);
    expect(gone.value('clinic_line_queue_callers')).toBe(0);
    expect(gone.value('clinic_line_queue_oldest_wait_seconds')).toBe(0);
    expect(gone.requests('/twilio/status', { status_class: '2xx' })).toBe(1);

    // The "sorry we missed you" text is due two minutes after she hung up; a minute later it has waited a minute.
    clock.advance(3 * 60_000);
    const due = await scrape(app);
    expect(due.value('clinic_line_jobs', { kind: 'text.send', state: 'pending' })).toBe(1);
    expect(due.value('clinic_line_jobs_oldest_due_seconds')).toBe(60);
    // Twilio refuses her number for good: the job fails, and waits for an operator.
    standin.fail({ path: /\/Messages\.json$/, status: 400, code: 21211, message: "The 'To' number is not valid." });
    await runner.runDue();
    const failed = await scrape(app);
    expect(failed.value('clinic_line_jobs', { kind: 'text.send', state: 'failed' })).toBe(1);
    expect(failed.matching('clinic_line_jobs', { state: 'pending' })).toEqual([]);
    expect(failed.value('clinic_line_jobs_oldest_due_seconds')).toBe(0);
    expect(
      failed.value('clinic_line_twilio_rest_errors_total', { operation: 'POST Messages', failure: 'http_4xx' }),
    ).toBe(1);
    expect(failed.value('clinic_line_twiml_apologies_total')).toBe(0);
  });

  it("recordings still at Twilio are counted, with the oldest's age, until their copies are deleted — erased ones' too", async () => {
    const { app, caller, clock, runner } = await reception();
    const jane = caller();
    await jane.dial();
    await jane.press('3'); // nobody is taking calls: voicemail
    await jane.finishRecording(20);
    const atTwilio = standin.addRecording(jane.sid);
    await jane.voicemailRecorded(20, 'completed', atTwilio.sid);
    await jane.ended(40);
    // Another patient's recording was erased a minute before; its copy at Twilio is left to a job.
    const erasedAt = new Date(clock().getTime() - 60_000);
    await queueJob(
      db.prisma,
      'recording.delete-at-twilio',
      { recordingSid: 'RE' + 'f'.repeat(32) },
      { runAt: erasedAt },
    );
    await db.prisma.job.updateMany({ where: { kind: 'recording.delete-at-twilio' }, data: { createdAt: erasedAt } });
    clock.advance(30_000);
    const waiting = await scrape(app);
    expect(waiting.value('clinic_line_recordings_awaiting_twilio_deletion')).toBe(2);
    expect(waiting.value('clinic_line_recordings_awaiting_twilio_deletion_oldest_seconds')).toBe(90);

    await runner.runDue();
    const deleted = await scrape(app);
    expect(standin.recordings.has(atTwilio.sid)).toBe(false);
    expect(deleted.value('clinic_line_recordings_awaiting_twilio_deletion')).toBe(0);
    expect(deleted.value('clinic_line_recordings_awaiting_twilio_deletion_oldest_seconds')).toBe(0);
    // Deleting a copy Twilio no longer has is done, not a failure.
    expect(deleted.matching('clinic_line_twilio_rest_errors_total')).toEqual([]);
  });

  it('a webhook past its 2 s deadline: the caller hears the apology, and the operator sees it counted', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The database stops answering the phone line's queries (the metrics' own still go through).
    const stuck: Database = {
      ...db,
      sql: async (query, values) => {
        if (!(typeof query === 'object' && query.name.startsWith('metrics-'))) await held;
        return db.sql(query, values);
      },
    };
    const { app } = makeTestApp(stuck, { env: { METRICS_TOKEN } });
    const answered = await signedTwilioPost(app, '/twilio/voice', inboundCall());
    release();
    expect(answered.text).toContain("We're sorry, we can't take your call right now");
    const after = await scrape(app);
    expect(after.value('clinic_line_twiml_apologies_total', { reason: 'deadline' })).toBe(1);
    expect(after.value('clinic_line_twiml_apologies_total')).toBe(1);
    expect(after.requests('/twilio/voice', { status_class: '2xx' })).toBe(1);
  });

  it('a retention purge run is counted by how it ended', async () => {
    const { app, clock, runner } = await reception();
    await schedulePeriodic(db.prisma, 'retention.purge', PURGE_EVERY_MS, clock());
    await runner.runDue();
    expect((await scrape(app)).value('clinic_line_retention_purge_runs_total', { result: 'done' })).toBe(1);
  });
});
