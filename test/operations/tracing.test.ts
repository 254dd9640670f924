// Tracing (issue 23, item 2): a call's webhooks, the database work they do and the jobs
// they queue read as one trace, exported here to OpenTelemetry's in-memory exporter (no
// collector is reachable from the tests).
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createHash } from 'node:crypto';
import { JobRunner } from '../../src/jobs/runner.js';
import { jobHandlers } from '../../src/main/jobs.js';
import { startTracing, type Tracing } from '../../src/main/tracing.js';
import { makeTestApp, testClock } from '../helpers/app.js';
import { databaseAndStandin } from '../helpers/database.js';
import { browserAgent, makeClinic, makeStaff } from '../helpers/fixtures.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid, inboundCall, signedTwilioPost } from '../helpers/twilio.js';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const NOW = new Date('2027-06-07T08:00:00Z');
const CALLER = '+447700900123';

// One tracer for the file: OpenTelemetry keeps the first provider registered in a process.
const exported = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing(undefined, new SimpleSpanProcessor(exported));
});
afterAll(() => tracing.shutdown());

describe.each(databaseKinds())('A call traced end to end (%s database)', (kind) => {
  const world = databaseAndStandin(kind, ACCOUNT);
  beforeEach(() => exported.reset());

  const app = (env: Record<string, string> = { OTEL_TRACES_EXPORTER: 'otlp' }) =>
    makeTestApp(world.db, {
      clock: testClock(NOW),
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: world.standin.url, ...env },
    });
  const spans = () => exported.getFinishedSpans();
  const traceOf = (name: string) =>
    spans()
      .find((s) => s.name === name)
      ?.spanContext().traceId;

  it("puts a call's webhooks, their queries and the job they queue in one trace, with no caller's number in it", async () => {
    const clinic = await makeClinic(world.db.prisma);
    const { app: served, ctx, logs } = app();
    const sid = callSid(0x7ace001);
    const voice = await signedTwilioPost(
      served,
      '/twilio/voice',
      inboundCall({ CallSid: sid, To: clinic.numbers[0]!, From: CALLER }),
    );
    expect(voice.status).toBe(200);
    const recording = world.standin.addRecording(sid, Buffer.from('ID3 words '.repeat(100)), 14, {
      dateCreated: new Date(NOW.getTime() - 60_000),
    });
    const callback = await signedTwilioPost(served, '/twilio/recording', {
      AccountSid: ACCOUNT,
      CallSid: sid,
      RecordingSid: recording.sid,
      RecordingStatus: 'completed',
      RecordingDuration: '14',
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recording.sid}`,
    });
    expect(callback.status).toBe(200);
    const runner = new JobRunner(world.db, jobHandlers(ctx), { logger: ctx.logger, clock: testClock(NOW) });
    expect(await runner.runDue()).toBeGreaterThanOrEqual(1);

    // The call's trace id is derived from its SID, so every instance puts its webhooks there.
    const callTrace = createHash('sha256').update(`twilio-call:${sid}`).digest('hex').slice(0, 32);
    const inCall = spans().filter((s) => s.spanContext().traceId === callTrace);
    const names = inCall.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['POST /twilio/voice', 'POST /twilio/recording']));
    expect(names.some((n) => n.startsWith('job recording.'))).toBe(true);
    expect(names.some((n) => n.startsWith('prisma:'))).toBe(true);
    // The job's span hangs under the webhook that queued it, and its queries under the job.
    const job = inCall.find((s) => s.name.startsWith('job recording.'))!;
    const webhook = inCall.find((s) => s.name === 'POST /twilio/recording')!;
    expect(isUnder(job, webhook, inCall)).toBe(true);
    expect(inCall.some((s) => s.name.startsWith('prisma:') && isUnder(s, job, inCall))).toBe(true);
    // The logs name the trace, so a log line leads to its trace and back.
    const logged = logs.map((l) => JSON.parse(l) as { traceId?: string; jobId?: string });
    expect(logged.some((l) => l.traceId === callTrace)).toBe(true);
    // Nothing about the caller: no number, in any form, in any span's name or attributes.
    const written = JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events, s.status]));
    expect(written).not.toMatch(/7700\s?900\s?123|%2B44/);
  });

  it("a dashboard request joins the trace a gateway's traceparent names, and is named by its route", async () => {
    const clinic = await makeClinic(world.db.prisma);
    const desk = browserAgent(app().app);
    await desk.signIn(await makeStaff(world.db.prisma, clinic.id, 'receptionist'));
    const traceId = 'ab'.repeat(16);
    const res = await desk.agent
      .get(`/api/clinics/${clinic.id}/queue`)
      .set('traceparent', `00-${traceId}-${'cd'.repeat(8)}-01`);
    expect(res.status).toBe(200);
    expect(traceOf('GET /api/clinics/:clinicId/queue')).toBe(traceId);
    // Named by the route, never by the clinic's id in the URL.
    expect(JSON.stringify(spans().map((s) => [s.name, s.attributes]))).not.toContain(clinic.id);
  });

  it('traces nothing unless OTEL_* asks for it', async () => {
    const clinic = await makeClinic(world.db.prisma);
    const { app: served } = app({});
    await signedTwilioPost(
      served,
      '/twilio/voice',
      inboundCall({ CallSid: callSid(0x7ace002), To: clinic.numbers[0]!, From: CALLER }),
    );
    expect(spans().filter((s) => s.name.startsWith('POST '))).toEqual([]);
  });
});

function isUnder(span: ReadableSpan, ancestor: ReadableSpan, all: ReadableSpan[]): boolean {
  for (let at: ReadableSpan | undefined = span; at;) {
    const parent: string | undefined = at.parentSpanContext?.spanId;
    if (parent === ancestor.spanContext().spanId) return true;
    at = all.find((s) => s.spanContext().spanId === parent);
  }
  return false;
}
