// An operator runs hundreds of clinics: a label holding a caller's number, a call or a
// clinic would make a series per caller, and would leak them to the metrics store. After
// a varied run of calls and requests, no label value names anyone or anything, and each
// metric has exactly the labels declared here.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TwilioStandin } from '../../src/twilio-standin/server.js';
import type { TestDatabase } from '../helpers/database.js';
import { METRICS_TOKEN, scrape } from '../helpers/metrics.js';
import { makeReception, receptionWorld } from '../helpers/reception.js';
import { databaseKinds } from '../helpers/services.js';
import { callSid, inboundCall, signedTwilioPost } from '../helpers/twilio.js';

/** Every metric of ours and its label names (`le` is a histogram bucket's). */
const DECLARED: Record<string, string[]> = {
  clinic_line_http_request_duration_seconds: ['method', 'route', 'status_class'],
  clinic_line_twiml_apologies_total: ['reason'],
  clinic_line_twilio_rest_errors_total: ['operation', 'failure'],
  clinic_line_retention_purge_runs_total: ['result'],
  clinic_line_live_connections: [],
  clinic_line_queue_callers: [],
  clinic_line_queue_oldest_wait_seconds: [],
  clinic_line_jobs: ['kind', 'state'],
  clinic_line_jobs_oldest_due_seconds: [],
  clinic_line_recordings_awaiting_twilio_deletion: [],
  clinic_line_recordings_awaiting_twilio_deletion_oldest_seconds: [],
  clinic_line_metrics_read_errors_total: ['source'],
};
/** PostgreSQL's pool; the embedded database has none. */
const POOL: Record<string, string[]> = {
  clinic_line_db_pool_connections: ['state'],
  clinic_line_db_pool_waiting_queries: [],
  clinic_line_db_pool_max_connections: [],
};

// What a label value must never look like: a phone number, a Twilio SID, a UUID, any long run of digits or hex.
const IDENTIFYING = [
  /\+?\d[\d\s()-]{6,}\d/,
  /\b[A-Z]{2}[0-9a-f]{32}\b/i,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
  /\d{5,}/,
  /[0-9a-f]{16,}/i,
];
// A route label: "unmatched", or a path of words and :names (a RegExp route is written as one).
const TEMPLATE = /^(unmatched|(\/([A-Za-z_.-]+|:[A-Za-z]+))+\/?|\/\^.*\/)$/;

describe.each(databaseKinds())('Metric labels (%s database)', (kind) => {
  let db: TestDatabase;
  let standin: TwilioStandin;
  receptionWorld(kind, (w) => ({ db, standin } = w));

  it('after calls, API requests, refusals and strangers, no label names a number, a call, a clinic or any id', async () => {
    const { app, clinic, staff, caller } = await makeReception(db, standin, { env: { METRICS_TOKEN } });
    const owner = await staff('owner');
    await owner.available();
    const secrets: string[] = [clinic.id, clinic.numbers[0]!];

    // A caller waits and hangs up; another asks to book and hangs up; one rings a number that is no clinic's.
    const jane = caller('+447700900123');
    await jane.dial();
    await jane.press('3');
    await jane.waitInQueue(1, 12);
    await jane.leftQueue('hangup', 20);
    await jane.ended(25);
    const tom = caller('+447700900456');
    await tom.dial();
    await tom.press('1');
    await tom.ended(10);
    const stranger = inboundCall({ CallSid: callSid(77), To: '+441632960999', From: '+447700900789' });
    await signedTwilioPost(app, '/twilio/voice', stranger);
    const call = await db.prisma.call.findUniqueOrThrow({ where: { callSid: jane.sid } });
    secrets.push(jane.sid, tom.sid, stranger.CallSid!, call.id, '+447700900123', '+447700900456', '+447700900789');

    // The desk's screens, a call's card, and the same asked for things that are not there.
    const unknown = randomUUID();
    secrets.push(unknown, 'not-a-clinic');
    for (const path of [
      `/api/clinics/${clinic.id}`,
      `/api/clinics/${clinic.id}/queue`,
      `/api/clinics/${clinic.id}/calls/${call.id}/card`,
      `/api/clinics/${clinic.id}/calls/${unknown}/card`,
      `/api/clinics/${unknown}/queue`,
      `/api/clinics/not-a-clinic/queue`,
      `/api/clinics/${clinic.id}/no-such-page/${unknown}`,
    ])
      await owner.browser.get(path);
    // Twilio's steps naming calls (one unknown), a signed request to no step, unsigned strangers, pages and files.
    await signedTwilioPost(app, `/twilio/menu?call=${unknown}`, { ...stranger, Digits: '1' });
    await signedTwilioPost(app, `/twilio/${jane.sid}`, stranger);
    await request(app)
      .post(`/twilio/voice?from=${encodeURIComponent('+447700900123')}`)
      .type('form')
      .send(stranger);
    await request(app).get(`/patients/${unknown}`);
    await request(app).get(`/assets/${unknown}.js`);
    await request(app).get(`/ical/${unknown}.ics`);
    await request(app).get(`/+447700900123/${jane.sid}`);

    const { samples, types } = await scrape(app);
    // Nothing that names anyone, in any metric's labels (the process's own included).
    for (const sample of samples)
      for (const value of Object.values(sample.labels)) {
        for (const secret of secrets)
          expect({ sample, hasSecret: value.includes(secret) }).toEqual({ sample, hasSecret: false });
        for (const pattern of IDENTIFYING)
          expect({ value, identifying: pattern.test(value) }).toEqual({ value, identifying: false });
      }
    // Exactly the metrics declared, each with exactly its labels.
    const declared = { ...DECLARED, ...(kind === 'postgres' ? POOL : {}) };
    const ours = [...types.keys()].filter((name) => name.startsWith('clinic_line_'));
    expect(ours.sort()).toEqual(Object.keys(declared).sort());
    for (const sample of samples.filter((s) => s.name.startsWith('clinic_line_'))) {
      const family = types.has(sample.name) ? sample.name : sample.name.replace(/_(bucket|sum|count)$/, '');
      const labels = Object.keys(sample.labels).filter((l) => !(types.get(family) === 'histogram' && l === 'le'));
      expect({ family, labels: labels.sort() }).toEqual({ family, labels: [...declared[family]!].sort() });
    }
    // Routes are templates: the card asked for a call that is not there is the card's route, answered 404.
    const routes = new Set(samples.flatMap((s) => (s.labels.route ? [s.labels.route] : [])));
    for (const route of routes) expect(route).toMatch(TEMPLATE);
    expect([...routes]).toEqual(
      expect.arrayContaining([
        '/api/clinics/:clinicId',
        '/api/clinics/:clinicId/queue',
        '/api/clinics/:clinicId/calls/:callId/card',
        '/twilio/voice',
        '/twilio/menu',
        'unmatched',
      ]),
    );
    const card = samples.filter(
      (s) =>
        s.name === 'clinic_line_http_request_duration_seconds_count' &&
        s.labels.route === '/api/clinics/:clinicId/calls/:callId/card',
    );
    expect(Object.fromEntries(card.map((s) => [s.labels.status_class, s.value]))).toEqual({ '2xx': 1, '4xx': 1 });
  });
});
