import type { Express } from 'express';
import request from 'supertest';

/** The bearer token test instances serve /metrics with (env METRICS_TOKEN). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef0123456789';

export interface Sample {
  /** As written: a histogram's `…_bucket`, `…_sum`, `…_count` included. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text format, read: every sample, and each metric family's TYPE. */
export function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[name!] = value!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
    readonly types: Map<string, string>,
  ) {}

  /** The sum of the samples named so whose labels include `labels` (0 when there are none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** How many requests the histogram has counted for a route (any method and status unless given). */
  requests(route: string, labels: Record<string, string> = {}): number {
    return this.value('clinic_line_http_request_duration_seconds_count', { route, ...labels });
  }
}

/** GET /metrics with the token, expecting 200 and Prometheus's text format. */
export async function scrape(app: Express | string, token = METRICS_TOKEN): Promise<Scrape> {
  const res = await request(app).get('/metrics').set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.text}`);
  if (!String(res.headers['content-type']).startsWith('text/plain; version=0.0.4'))
    throw new Error(`/metrics is not Prometheus text: ${res.headers['content-type']}`);
  const { samples, types } = parseMetrics(res.text);
  return new Scrape(res.text, samples, types);
}
