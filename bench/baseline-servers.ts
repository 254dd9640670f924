// The two baselines the voice webhook is measured against, in their own process:
// a bare Express "hello" route, and the least a signed Twilio handler can do
// (check the signature, one raw pg INSERT, answer a <Say>).
import express from 'express';
import pg from 'pg';
import twilio from 'twilio';

const [port, databaseUrl, authToken, baseUrl] = process.argv.slice(2) as [string, string, string, string];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS bench_minimal_calls (call_sid text PRIMARY KEY, from_number text, at timestamptz DEFAULT now())',
);

const app = express();
app.get('/hello', (_req, res) => {
  res.send('hello');
});
app.post('/twilio/voice', express.urlencoded({ extended: false }), async (req, res) => {
  if (!twilio.validateRequest(authToken, req.get('X-Twilio-Signature') ?? '', baseUrl + req.originalUrl, req.body)) {
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
