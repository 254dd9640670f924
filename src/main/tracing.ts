// Starts OpenTelemetry tracing when the standard OTEL_* variables ask for it (see
// tracingConfig): a tracer provider whose spans (requests, jobs, Prisma's queries) go to
// an OTLP collector over HTTP, or to the console. Everything else about it (endpoint,
// headers, sampler, resource attributes, service name) is read by OpenTelemetry itself.
import { ConsoleSpanExporter, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { PrismaInstrumentation, registerInstrumentations } from '@prisma/instrumentation';
import type { TracingConfig } from '../core/config.js';

export interface Tracing {
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Tracing by `config`, or through `processor` (a test's in-memory exporter); nothing at
 * all without either, so an instance that never asked pays nothing.
 */
export function startTracing(config: TracingConfig | undefined, processor?: SpanProcessor): Tracing {
  const chosen = processor ?? (config && new BatchSpanProcessor(exporterFor(config)));
  if (!chosen) return { shutdown: async () => undefined };
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'clinic-phone-line' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [chosen] });
  // The global provider, the W3C trace-context propagator and an AsyncLocalStorage context.
  provider.register();
  const stopInstrumenting = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new PrismaInstrumentation()],
  });
  return {
    async shutdown() {
      stopInstrumenting();
      await provider.shutdown();
    },
  };
}

const exporterFor = (config: TracingConfig) =>
  config.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter();
