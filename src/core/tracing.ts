// Tracing with OpenTelemetry's API: spans for requests, jobs and database work, which cost
// next to nothing until the composition root starts a tracer (src/main/tracing.ts, by the
// standard OTEL_* variables). Twilio sends no trace header, so a call's webhooks are put in
// one trace by deriving its id from the Call SID; a job joins the trace it was queued in.
import { createHash } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { maskPhoneNumbers } from './logger.js';

export const tracer = () => trace.getTracer('clinic-phone-line');

/**
 * Runs `work` in a span of its own under `parent` (the active context by default), ended
 * when it settles; a failure marks the span, its message masked as in the logs.
 */
export async function inSpan<T>(
  name: string,
  options: { attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (err) {
    markFailed(span, err);
    throw err;
  } finally {
    span.end();
  }
}

function markFailed(span: Span, err: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: maskPhoneNumbers(err instanceof Error ? err.message : String(err)),
  });
}

/**
 * The trace every webhook of one call belongs to: its id is derived from the Call SID (a
 * parent span that is never exported stands for the call), so the call's separate
 * requests, minutes apart and perhaps on different instances, are read as one.
 */
export function callTraceContext(callSid: string): Context {
  const digest = createHash('sha256').update(`twilio-call:${callSid}`).digest('hex');
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: digest.slice(0, 32),
    spanId: digest.slice(32, 48),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** The W3C traceparent of the span now active, to carry into work done later (a job); undefined when not tracing. */
export function currentTraceParent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording() || !isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a W3C traceparent names (from a request's headers or a job), or the root. */
export function contextFromTraceParent(carrier: Record<string, unknown>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}
