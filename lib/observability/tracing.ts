import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ObservabilityConfig } from '../config';

/**
 * Registers the process's tracer provider when an OTLP endpoint is configured. From then on
 * Next.js traces each request, the Workflow DevKit its starts, runs and steps (carrying the trace
 * context through its queue), and the model middleware each model call; the batches go to the
 * endpoint over OTLP/HTTP (JSON), configured by the standard `OTEL_EXPORTER_OTLP_*` variables.
 */
export function startTracing(config: ObservabilityConfig): void {
  if (!config.tracesEnabled) return;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Also installs the W3C trace-context propagator the workflow queue's trace carrier uses.
  provider.register();
  // Best effort: the spans still in the batch go out when the server is asked to stop.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void provider.shutdown());
}
