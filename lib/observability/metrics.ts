import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's Prometheus metrics. Each process counts what it did itself (the steps it ran, the
 * streams it served); with several instances, Prometheus scrapes each and sums.
 */
export interface AppMetrics {
  registry: Registry;
  /** Runs by how they ended, counted when the closing step writes the stream's terminal chunks. */
  runs: Counter<'status'>;
  /** Seconds from the reply step's start (each attempt) to its first text or tool chunk. */
  timeToFirstToken: Histogram;
  /** Stream reconnects: `GET /api/chat/{runId}/stream` requests. */
  resumes: Counter;
  /** Reply step executions after the first: model retries, crash recovery, duplicate deliveries. */
  replyRetries: Counter;
  /** Model tokens consumed, by `kind` (input or output), failed attempts included. */
  tokens: Counter<'kind'>;
  /** Replies streaming in this process right now. */
  activeStreams: Gauge;
}

/** A registry with the app's metrics and the default process metrics (CPU, memory, event loop). */
export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    runs: new Counter({ name: 'chat_runs_total', help: 'Chat runs by final status', labelNames: ['status'], registers }),
    timeToFirstToken: new Histogram({
      name: 'chat_time_to_first_token_seconds',
      help: "Seconds from the reply step's start to its first text or tool chunk",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    resumes: new Counter({ name: 'chat_stream_resumes_total', help: 'Stream reconnects (GET /api/chat/{runId}/stream)', registers }),
    replyRetries: new Counter({ name: 'chat_reply_retries_total', help: 'Reply step attempts after the first', registers }),
    tokens: new Counter({ name: 'chat_model_tokens_total', help: 'Model tokens consumed, by kind', labelNames: ['kind'], registers }),
    activeStreams: new Gauge({ name: 'chat_active_streams', help: 'Replies streaming in this process', registers }),
  };
}

// Route handlers and the workflow step bundle are bundled separately: one registry per process.
const cacheKey = Symbol.for('durable-chat.metrics');
type MetricsCache = { [cacheKey]?: AppMetrics };

/** The process's metrics, created on first use. */
export function getMetrics(): AppMetrics {
  const cache = globalThis as MetricsCache;
  cache[cacheKey] ??= createMetrics();
  return cache[cacheKey];
}
