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

describe('PostgreSQL connection budget', () => {
  const url = 'postgres://127.0.0.1:5432/chat';

  it('splits DATABASE_POOL_SIZE between the world, memory and the app', () => {
    expect(loadConfig({ DATABASE_URL: url }).storage).toEqual({ kind: 'postgres', url, pools: { world: 20, memory: 10, app: 10 } });
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' }).storage).toMatchObject({ pools: { world: 10, memory: 5, app: 5 } });
  });

  it('rejects a size too small to share, naming the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe('retention', () => {
  it('keeps finished runs 30 days by default and prunes every tenth of that, within a second and an hour', () => {
    expect(loadConfig({}).retention).toEqual({ runRetentionMs: 720 * 3_600_000, pruneEveryMs: 3_600_000, debugPauseMs: 0 });
    expect(loadConfig({ RUN_RETENTION_HOURS: '2' }).retention.pruneEveryMs).toBe(720_000);
    expect(loadConfig({ RUN_RETENTION_HOURS: '0.001' }).retention).toMatchObject({ runRetentionMs: 3_600, pruneEveryMs: 1_000 });
  });

  it('takes 0 as "keep everything" and rejects a negative or non-numeric retention, naming the variable', () => {
    expect(loadConfig({ RUN_RETENTION_HOURS: '0' }).retention.runRetentionMs).toBe(0);
    expect(() => loadConfig({ RUN_RETENTION_HOURS: '-1' })).toThrow(/RUN_RETENTION_HOURS/);
    expect(() => loadConfig({ RUN_RETENTION_HOURS: 'a month' })).toThrow(/RUN_RETENTION_HOURS/);
  });
});
