// The baselines the voice webhook is measured against, in their own process: a bare
// Express "hello" route; the same work as our first webhook with raw pg (check the
// signature, the same Call row through the same statement — table, indexes, foreign key
// and the caller lookup — and a <Say>), so that the ratio is our own overhead; and the
// least a signed Twilio handler can do (one raw INSERT into a one-index table).
import express from 'express';
import pg from 'pg';
import twilio from 'twilio';
import { uuid7 } from '../src/db/uuid7.js';
import { ANSWER_CALL } from '../src/telephony/calls.js';

const [port, databaseUrl, authToken, baseUrl] = process.argv.slice(2) as [string, string, string, string];
// The service's pool size (src/db/database.ts).
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS bench_minimal_calls (call_sid text PRIMARY KEY, from_number text, at timestamptz DEFAULT now())',
);

const app = express();
app.get('/hello', (_req, res) => {
  res.send('hello');
});
const signed = (req: express.Request) =>
  twilio.validateRequest(authToken, req.get('X-Twilio-Signature') ?? '', baseUrl + req.originalUrl, req.body);

app.post('/same-call/twilio/voice', express.urlencoded({ extended: false }), async (req, res) => {
  if (!signed(req)) {
    res.status(403).end();
    return;
  }
  const { To, CallSid, From, Direction = 'inbound', CallStatus = 'ringing' } = req.body as Record<string, string>;
  const now = new Date();
  const { rows } = await pool.query<{ name: string; callers: Array<{ name: string }> }>({
    ...ANSWER_CALL,
    values: [To, uuid7(now.getTime()), CallSid, From, Direction, CallStatus, now.toISOString()],
  });
  const response = new twilio.twiml.VoiceResponse();
  const row = rows[0];
  response.say(row ? `Thank you for calling ${row.name}, ${row.callers[0]?.name ?? 'caller'}.` : 'Not in service.');
  res.type('text/xml').send(response.toString());
});

app.post('/twilio/voice', express.urlencoded({ extended: false }), async (req, res) => {
  if (!signed(req)) {
    res.status(403).end();
    return;
  }
  await pool.query('INSERT INTO bench_minimal_calls (call_sid, from_number) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    req.body.CallSid,
    req.body.From,
  ]);
  const response = new twilio.twiml.VoiceResponse();
  response.say('Thank you for calling.');
  res.type('text/xml').send(response.toString());
});
app.listen(Number(port), () => console.log('ready'));
