// The one way a route reads its request: path ids, the query string and the body, each
// checked with zod before anything else runs. A malformed id is answered as a missing
// one (404 "No such …"), exactly as another clinic's id is; a bad query or body is 400
// naming every field that is wrong: `field` in the API's own names, the message in the
// words of the screen that sends it where the route gives its labels.
import type { Request } from 'express';
import { z } from 'zod';
import { InvalidInput, NotFound } from '../core/errors.js';

const uuid = z.uuid();

/** The path's ids, each named by what it is ("call", "practitioner"): `ids(req, { callId: 'call' })`. Ours are UUIDs unless `shape` says otherwise. */
export function ids<K extends string>(
  req: Pick<Request, 'params'>,
  names: Record<K, string>,
  shape: z.ZodType<string> = uuid,
): Record<K, string> {
  const found = {} as Record<K, string>;
  for (const [param, what] of Object.entries(names) as Array<[K, string]>) {
    const id = req.params[param];
    if (typeof id !== 'string' || !shape.safeParse(id).success) throw new NotFound(`No such ${what}`);
    found[param] = id;
  }
  return found;
}

/**
 * How a screen labels what it sends, by the field's path with list positions as `#`
 * ("receptionNumber" → "Reception desk phone", "hours.#.end"); a function reads the
 * sent input to say which one ("Monday's closing time").
 */
export type FieldLabels = Record<string, string | ((path: PropertyKey[], input: unknown) => string)>;

/** The label a screen gives the field at `path`, or the path itself. */
export function labelOf(labels: FieldLabels | undefined, path: PropertyKey[], input: unknown): string {
  const key = path.map((p) => (typeof p === 'number' ? '#' : String(p))).join('.');
  // Own labels only: a field a client names "valueOf" or "constructor" is not a label function.
  const label = labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
  return typeof label === 'function' ? label(path, input) : (label ?? path.map(String).join('.'));
}

/** The JSON body; a request without one is read as `{}`, so each missing field is named. */
export const body = <S extends z.ZodType>(req: Pick<Request, 'body'>, schema: S, labels?: FieldLabels): z.infer<S> =>
  parseInput(schema, req.body ?? {}, labels);

export const query = <S extends z.ZodType>(req: Pick<Request, 'query'>, schema: S): z.infer<S> =>
  parseInput(schema, req.query);

/** Validates with zod; a bad input names every field that is wrong. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, labels?: FieldLabels): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((i) =>
    // A field we do not take is named as itself, not as the object holding it.
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: [...i.path, key], message: 'is not a field this takes' }))
      : [{ path: i.path, message: i.message }],
  );
  const named = issues.map((i) => ({ field: i.path.join('.') || undefined, message: i.message }));
  const first = issues[0]!;
  throw new InvalidInput(
    first.path.length ? `${labelOf(labels, first.path, input)}: ${first.message}` : first.message,
    named[0]!.field,
    named,
  );
}
