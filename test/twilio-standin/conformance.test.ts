import { readFileSync } from 'node:fs';
import { createTwilioRest } from '../../src/telephony/twilio-rest.js';
import { TwilioStandin } from '../../src/twilio-standin/server.js';

type Schema = { $ref?: string; properties?: Record<string, Schema>; required?: string[]; type?: string; items?: Schema };
interface Spec {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

const spec = JSON.parse(readFileSync(new URL('../fixtures/twilio/twilio_api_v2010.json', import.meta.url), 'utf8')) as Spec;
const resolve = (s: Schema): Schema => (s.$ref ? spec.components.schemas[s.$ref.replace('#/components/schemas/', '')]! : s);

/** The operation in Twilio's description that a request matches, by method and path template. */
function operationFor(method: string, path: string) {
  for (const [template, item] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);
    if (pattern.test(path) && item[method.toLowerCase()]) return { template, op: item[method.toLowerCase()]! };
  }
  return undefined;
}

/** Problems with a response body against its schema: unknown fields, and the same for list items. */
function unknownFields(body: unknown, schema: Schema, where = ''): string[] {
  const s = resolve(schema);
  if (!body || typeof body !== 'object' || !s.properties) return [];
  return Object.entries(body as Record<string, unknown>).flatMap(([key, value]) => {
    const prop = s.properties![key];
    if (!prop) return [`${where}${key}`];
    const p = resolve(prop);
    if (p.type === 'array' && p.items && Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, p.items!, `${where}${key}[${i}].`));
    return [];
  });
}

const ACCOUNT = 'AC' + '1'.repeat(32);
const TOKEN = '2'.repeat(32);

describe('The Twilio stand-in speaks Twilio\'s REST API as Twilio describes it', () => {
  let standin: TwilioStandin;
  beforeAll(async () => {
    standin = new TwilioStandin(ACCOUNT, { authToken: TOKEN });
    await standin.start();
  });
  afterAll(() => standin.stop());

  it('every request the service\'s client sends, and every answer, matches an operation in Twilio\'s description', async () => {
    const client = createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: standin.url } })!;
    const callSid = 'CA' + 'c'.repeat(32);
    await client.calls(callSid).update({ url: 'https://phone.example.com/twilio/answer', method: 'POST' });
    const started = await client.calls(callSid).recordings.create({ recordingStatusCallback: 'https://phone.example.com/twilio/recording', recordingChannels: 'dual' });
    await client.calls(callSid).recordings(started.sid).update({ status: 'stopped' });
    standin.addRecording(callSid);
    const listed = await client.recordings.list({ limit: 10 });
    expect(listed.map((r) => r.sid)).toContain(started.sid);
    const fetched = await client.recordings(started.sid).fetch();
    expect(fetched.callSid).toBe(callSid);
    expect(await client.recordings(started.sid).remove()).toBe(true);
    await client.messages.create({ to: '+447700900123', from: '+441632960000', body: 'Your appointment is booked.' });
    await client.queues('QU' + 'd'.repeat(32)).members(callSid).update({ url: 'https://phone.example.com/twilio/dequeued', method: 'POST' });

    expect(standin.requests.length).toBeGreaterThanOrEqual(8);
    for (const req of standin.requests) {
      const match = operationFor(req.method, req.path);
      expect({ request: `${req.method} ${req.path}`, found: Boolean(match) }).toEqual({ request: `${req.method} ${req.path}`, found: true });
      const form = match!.op.requestBody?.content['application/x-www-form-urlencoded']?.schema;
      const declared = new Set(Object.keys(resolve(form ?? {}).properties ?? {}));
      expect({ request: `${req.method} ${req.path}`, undeclared: Object.keys(req.form).filter((k) => !declared.has(k)) }).toEqual({ request: `${req.method} ${req.path}`, undeclared: [] });
      for (const required of resolve(form ?? {}).required ?? []) expect(req.form).toHaveProperty(required);
      if (req.response && req.response.status < 300) {
        const documented = match!.op.responses[String(req.response.status)]?.content?.['application/json']?.schema;
        expect({ request: `${req.method} ${req.path}`, status: req.response.status, documented: Boolean(documented) }).toEqual({ request: `${req.method} ${req.path}`, status: req.response.status, documented: true });
        expect({ request: `${req.method} ${req.path}`, unknown: unknownFields(req.response.body, documented!) }).toEqual({ request: `${req.method} ${req.path}`, unknown: [] });
      }
    }
  });

  it('refuses wrong credentials the way Twilio does (401, code 20003)', async () => {
    const client = createTwilioRest({ twilio: { accountSid: ACCOUNT, authToken: 'f'.repeat(32), apiBaseUrl: standin.url } })!;
    await expect(client.recordings.list({ limit: 1 })).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('serves a completed recording\'s audio to an authenticated request, and 404 after it is deleted', async () => {
    const r = standin.addRecording('CA' + 'e'.repeat(32), Buffer.from('audio-bytes'));
    const url = `${standin.url}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${r.sid}.mp3`;
    const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}` };
    const res = await fetch(url, { headers: auth });
    expect(res.headers.get('content-type')).toMatch(/audio\/mpeg/);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('audio-bytes');
    expect((await fetch(url)).status).toBe(401);
    standin.recordings.delete(r.sid);
    expect((await fetch(url, { headers: auth })).status).toBe(404);
  });
});
