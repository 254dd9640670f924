// Twilio's own description of its REST API (MIT-licensed, copied into test/fixtures):
// every request the service sends to the stand-in, and every answer, must match it.
import { readFileSync } from 'node:fs';
import type { RecordedRequest } from '../../src/twilio-standin/server.js';

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  type?: string;
  items?: Schema;
};
interface Spec {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: Schema }> };
        responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

const spec = JSON.parse(
  readFileSync(new URL('../fixtures/twilio/twilio_api_v2010.json', import.meta.url), 'utf8'),
) as Spec;
const resolve = (s: Schema): Schema =>
  s.$ref ? spec.components.schemas[s.$ref.replace('#/components/schemas/', '')]! : s;

/** The operation in Twilio's description that a request matches, by method and path template. */
function operationFor(method: string, requested: string) {
  // A recording's audio is its resource URL with a media extension (documented with the Recording resource, not as an operation).
  const path =
    method === 'GET' ? requested.replace(/(\/Recordings\/RE[0-9a-f]{32})\.(mp3|wav)$/, '$1.json') : requested;
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
    if (p.type === 'array' && p.items && Array.isArray(value))
      return value.flatMap((v, i) => unknownFields(v, p.items!, `${where}${key}[${i}].`));
    return [];
  });
}

/** Fails the test unless each request matches a documented operation, form fields and response included. */
export function expectRequestsMatchTwilio(requests: RecordedRequest[]): void {
  for (const req of requests) {
    const match = operationFor(req.method, req.path);
    expect({ request: `${req.method} ${req.path}`, found: Boolean(match) }).toEqual({
      request: `${req.method} ${req.path}`,
      found: true,
    });
    const form = match!.op.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    const declared = new Set(Object.keys(resolve(form ?? {}).properties ?? {}));
    expect({
      request: `${req.method} ${req.path}`,
      undeclared: Object.keys(req.form).filter((k) => !declared.has(k)),
    }).toEqual({ request: `${req.method} ${req.path}`, undeclared: [] });
    for (const required of resolve(form ?? {}).required ?? []) expect(req.form).toHaveProperty(required);
    if (req.response && req.response.status < 300) {
      const documented = match!.op.responses[String(req.response.status)]?.content?.['application/json']?.schema;
      expect({
        request: `${req.method} ${req.path}`,
        status: req.response.status,
        documented: Boolean(documented),
      }).toEqual({ request: `${req.method} ${req.path}`, status: req.response.status, documented: true });
      expect({ request: `${req.method} ${req.path}`, unknown: unknownFields(req.response.body, documented!) }).toEqual({
        request: `${req.method} ${req.path}`,
        unknown: [],
      });
    }
  }
}
