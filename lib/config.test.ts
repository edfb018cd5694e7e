import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('observability configuration', () => {
  it('logs at info, leaves metrics open and traces nothing by default', () => {
    expect(loadConfig({}).observability).toEqual({ logLevel: 'info', metricsToken: undefined, tracesEnabled: false, serviceName: 'durable-chat' });
  });

  it('traces when either OTLP endpoint is set', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }).observability.tracesEnabled).toBe(true);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://localhost:4318/v1/traces', OTEL_SERVICE_NAME: 'chat-eu' }).observability).toMatchObject({
      tracesEnabled: true,
      serviceName: 'chat-eu',
    });
  });

  it('rejects an unknown log level, a short metrics token and an endpoint that is not a URL, naming the variable', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
