// Every step of the phone line Twilio is sent to (/twilio/<step>?call=…&…), with what
// its action URL carries. The URL is built from this (CallStep.url) and read back
// through it (src/routes/twilio.ts), so a step cannot ask for what the last one never
// put there. Only what is not personal travels in a URL; Twilio signs it with the
// request. Absent is allowed where the step copes (it goes to reception).
import { z } from 'zod';

const id = z.uuid();
/** A free time offered: "<practitioner id>@<ISO instant>". */
const slot = z.string().regex(/^[0-9a-f-]{36}@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const count = z.string().regex(/^\d{1,2}$/);
const flag = z.literal('1');
const nothing = z.object({});

/** Up to `n` numbered choices, `${prefix}1` … : what each key stands for. */
const choices = <P extends string>(prefix: P, n: number, of: z.ZodType<string>) =>
  z.object(
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i + 1}`, of.optional()])) as Record<
      `${P}${number}`,
      z.ZodOptional<z.ZodType<string>>
    >,
  );

/** Every question's tries: which one this is, and whether Twilio came here because nothing was said. */
const tries = { attempt: count.optional(), silence: flag.optional() };
const question = z.object(tries);
const booking = z.object({ type: id, slot, ...tries });
const offered = z
  .object({ type: id.optional(), later: z.iso.datetime().optional(), ...tries })
  .extend(choices('s', 3, slot).shape);

export const STEPS = {
  /** `again`: "Is there anything else?" after a task. */
  menu: question.extend({ again: flag.optional() }),
  goodbye: nothing,
  closed: question,
  'book/type': question,
  'book/slot': offered,
  'book/who': booking,
  'book/known-dob': booking,
  'book/not-found': booking,
  'book/which': booking.extend(choices('p', 9, id).shape),
  'book/name': booking,
  'book/name-ok': booking,
  'book/dob': booking,
  'book/dob-ok': booking,
  'book/confirm': booking.extend({ patient: z.union([id, z.literal('new')]) }),
  'change/dob': question,
  'change/who': question.extend(choices('p', 9, id).shape),
  'change/which': question.extend(choices('a', 3, id).shape),
  'change/action': question.extend({ appt: id.optional() }),
  'change/cancel': question.extend({ appt: id.optional() }),
  'change/slot': offered.extend({ appt: id.optional() }),
  'change/move': question.extend({ appt: id.optional(), slot: slot.optional(), type: id.optional() }),
  'reception/dialled': nothing,
  'reception/whisper': nothing,
  'reception/take': nothing,
  'queue/wait': nothing,
  'queue/left': nothing,
  'queue/connect': z.object({ staff: id.optional() }),
  'queue/connected': nothing,
  'queue/call-back': nothing,
  'queue/call-back-number': z.object({ ...tries, keying: flag.optional() }),
  'queue/call-back-when': question,
  'voicemail/done': nothing,
};

export type StepPath = keyof typeof STEPS;
/** What a step's URL carries, as it is written and as it is read. */
export type StepQuery<P extends StepPath> = z.infer<(typeof STEPS)[P]>;
/** A step's parameters: optional when it needs none. */
export type StepParams<P extends StepPath> =
  Record<string, never> extends StepQuery<P> ? [params?: StepQuery<P>] : [params: StepQuery<P>];

/** The URL Twilio is sent to for `path` on the call `callId`. */
export function stepUrl<P extends StepPath>(
  publicBaseUrl: string,
  path: P,
  callId: string,
  ...[params]: StepParams<P>
): string {
  const query = new URLSearchParams({ call: callId });
  for (const [k, v] of Object.entries(params ?? {})) if (typeof v === 'string') query.set(k, v);
  return `${publicBaseUrl}/twilio/${path}?${query}`;
}

/** What the key pressed stands for among `prefix`1 … `prefix`9 of a step's choices; undefined for any other key. */
export const choiceOf = <P extends string>(
  q: Partial<Record<`${P}${number}`, string>>,
  prefix: P,
  key: string | undefined,
): string | undefined =>
  key !== undefined && /^[1-9]$/.test(key) ? q[`${prefix}${key}` as `${P}${number}`] : undefined;
