import path from 'node:path';
import { z } from 'zod';
import { defaultPoolSize, minimumPoolSize, type PoolBudget, poolBudget } from './db/pool-budget';

/**
 * Which language model answers. `simulated` is the built-in deterministic model used when no
 * provider key is configured; `router` is a Mastra model-router id such as `openai/gpt-4o-mini`;
 * `openai-compatible` talks to any server that speaks the OpenAI chat completions protocol.
 */
export type ModelConfig = { kind: 'simulated'; tokensPerSecond: number } | { kind: 'router'; id: string } | { kind: 'openai-compatible'; baseURL: string; modelId: string; apiKey: string | undefined };

/** The simulated model's id: how `MODEL` names it, what the model reports, what the ledger prices. */
export const simulatedModelId = 'simulated';

/**
 * What a new message does while the thread's previous turn is still running: `reject` answers
 * 409 with the active run id, `enqueue` starts the new turn when the active one ends,
 * `interrupt` stops the active turn (keeping its partial answer) and then starts the new one.
 */
export const doubleTextingPolicies = ['reject', 'enqueue', 'interrupt'] as const;
export type DoubleTextingPolicy = (typeof doubleTextingPolicies)[number];

/**
 * Where everything durable lives. `embedded`: files in the data dir (local workflow world,
 * LibSQL memory and app tables), nothing to install. `postgres`: one PostgreSQL database for the
 * workflow world, memory and the app tables, shared by any number of app instances.
 */
export type StorageConfig = { kind: 'embedded' } | { kind: 'postgres'; url: string; pools: PoolBudget };

/** Where the per-user run counters live: this process, the app's PostgreSQL database, or Redis. */
export const rateLimitStores = ['memory', 'postgres', 'redis'] as const;
export type RateLimitStore = (typeof rateLimitStores)[number];

export interface RateLimitConfig {
  /** Runs a user may start per window (0: no limit). */
  runsPerWindow: number;
  windowSeconds: number;
  /** Runs a user may have going at once, answering or queued (0: no limit). */
  activeRuns: number;
  /** Runs the whole installation may have going at once, whoever started them (0: no limit). */
  globalActiveRuns: number;
  /** Sessions one client address may create per window (0: no limit). */
  sessionsPerWindow: number;
  store: RateLimitStore;
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Where and how the app reports on itself: JSON logs, Prometheus metrics, OpenTelemetry traces. */
export interface ObservabilityConfig {
  logLevel: LogLevel;
  /** Bearer token `/api/metrics` requires; undefined: the endpoint is open (keep it off the public network). */
  metricsToken: string | undefined;
  /** Export spans over OTLP/HTTP: on when an OTLP endpoint is configured (the exporter reads the `OTEL_EXPORTER_OTLP_*` variables itself). */
  tracesEnabled: boolean;
  /** `service.name` of every exported span. */
  serviceName: string;
}

/** How long a finished run's replay data (durable stream, workflow events, step records) is kept. */
export interface RetentionConfig {
  /** Milliseconds after a run ended before its replay data is removed; 0 keeps it forever. */
  runRetentionMs: number;
  /** How often each instance checks for runs past the retention (derived from it). */
  pruneEveryMs: number;
  /** Tests only: a pause after each run's data is removed, before it is marked, to crash a pass mid-way. */
  debugPauseMs: number;
}

export interface AppConfig {
  /** Port the HTTP server listens on. */
  port: number;
  /** Absolute directory for every file the app keeps: workflow world, memory, ledger, secret. */
  dataDir: string;
  storage: StorageConfig;
  /** HMAC secret for session tokens; undefined means "generate one and keep it in dataDir". */
  authSecret: string | undefined;
  model: ModelConfig;
  /** Largest request body the API accepts, in bytes. */
  maxRequestBytes: number;
  /** Longest user message the API accepts, in characters. */
  maxMessageChars: number;
  /** Default policy for a message sent while the thread's previous turn is running. */
  doubleTexting: DoubleTextingPolicy;
  /** How long the slow demo tool (`research`) works before answering, in milliseconds. */
  slowToolMs: number;
  /** Check every finished run's stream with the UI stream validator and log what it breaks. */
  debugValidateStreams: boolean;
  /** Extra time a delta is held to merge with the next ones (0: only what piles up behind a write). */
  streamCoalesceMs: number;
  /** Serve the benchmark's baselines (/api/bench/…): request-bound and resumable-stream replies. */
  benchBaselines: boolean;
  /** Serve `/api/debug/process` (memory, descriptors, lag, listeners) for leak hunting. */
  debugMeasures: boolean;
  /** Redis for the resumable-stream baseline and for the `redis` rate-limit store. */
  redisUrl: string;
  rateLimits: RateLimitConfig;
  retention: RetentionConfig;
  observability: ObservabilityConfig;
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  PORT: positiveInt(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(minimumPoolSize).max(1000).default(defaultPoolSize),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  MODEL: z.string().min(1).optional(),
  MODEL_BASE_URL: z.url().optional(),
  MODEL_API_KEY: z.string().min(1).optional(),
  SIM_TOKENS_PER_SEC: z.coerce.number().min(0).default(40),
  MAX_REQUEST_BYTES: positiveInt(1024 * 1024),
  MAX_MESSAGE_CHARS: positiveInt(32_000),
  DOUBLE_TEXTING: z.enum(doubleTextingPolicies).default('reject'),
  SLOW_TOOL_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
  DEBUG_VALIDATE_STREAMS: z.enum(['0', '1', 'false', 'true']).default('0'),
  STREAM_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(100),
  BENCH_BASELINES: z.enum(['0', '1', 'false', 'true']).default('0'),
  DEBUG_MEASURES: z.enum(['0', '1', 'false', 'true']).default('0'),
  RATE_LIMIT_RUNS: z.coerce.number().int().min(0).default(20),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_ACTIVE_RUNS: z.coerce.number().int().min(0).default(4),
  RATE_LIMIT_GLOBAL_ACTIVE_RUNS: z.coerce.number().int().min(0).default(200),
  RATE_LIMIT_SESSIONS: z.coerce.number().int().min(0).default(10),
  RATE_LIMIT_STORE: z.enum(rateLimitStores).optional(),
  RUN_RETENTION_HOURS: z.coerce
    .number()
    .min(0)
    .max(10 * 365 * 24)
    .default(720),
  DEBUG_PRUNE_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('durable-chat'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
});

type Env = Record<string, string | undefined>;

const flag = (value: '0' | '1' | 'false' | 'true') => value === '1' || value === 'true';

function emptyToUndefined(env: Env): Env {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]));
}

// A tenth of the retention, so a run outlives it by at most 10%; at least a second, and at most
// an hour so a restarted instance catches up soon.
function resolveRetention(hours: number, debugPauseMs: number): RetentionConfig {
  const runRetentionMs = Math.round(hours * 3_600_000);
  return { runRetentionMs, pruneEveryMs: Math.min(3_600_000, Math.max(1_000, Math.round(runRetentionMs / 10))), debugPauseMs };
}

function resolveModel(env: z.infer<typeof envSchema>, rawEnv: Env): ModelConfig {
  const simulated: ModelConfig = { kind: 'simulated', tokensPerSecond: env.SIM_TOKENS_PER_SEC };
  if (env.MODEL_BASE_URL) {
    if (!env.MODEL) throw new Error('MODEL_BASE_URL is set but MODEL (the model id to request) is not');
    return { kind: 'openai-compatible', baseURL: env.MODEL_BASE_URL, modelId: env.MODEL, apiKey: env.MODEL_API_KEY };
  }
  if (!env.MODEL || env.MODEL === simulatedModelId) return simulated;
  const provider = env.MODEL.split('/')[0];
  if (!provider || !env.MODEL.includes('/')) {
    throw new Error(`MODEL must look like "provider/model" (got "${env.MODEL}")`);
  }
  // The Mastra model router reads <PROVIDER>_API_KEY; without it every call would fail, so the
  // app falls back to the simulated model and says so in the UI instead of failing each turn.
  const keyName = `${provider.toUpperCase().replaceAll('-', '_')}_API_KEY`;
  return rawEnv[keyName] ? { kind: 'router', id: env.MODEL } : simulated;
}

// Counters in one process's memory would let every instance of a scaled-out app grant the full
// limit, so the PostgreSQL setup keeps them in its database unless told otherwise.
function resolveRateLimitStore(env: z.infer<typeof envSchema>): RateLimitStore {
  if (env.RATE_LIMIT_STORE === 'postgres' && !env.DATABASE_URL) {
    throw new Error('Invalid configuration: RATE_LIMIT_STORE=postgres needs DATABASE_URL');
  }
  return env.RATE_LIMIT_STORE ?? (env.DATABASE_URL ? 'postgres' : 'memory');
}

/** Parses and validates configuration from an environment; throws naming the bad variable. */
export function loadConfig(rawEnv: Env = process.env): AppConfig {
  const cleaned = emptyToUndefined(rawEnv);
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${details}`);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    dataDir: path.resolve(env.DATA_DIR),
    storage: env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, pools: poolBudget(env.DATABASE_POOL_SIZE) } : { kind: 'embedded' },
    authSecret: env.AUTH_SECRET,
    model: resolveModel(env, cleaned),
    maxRequestBytes: env.MAX_REQUEST_BYTES,
    maxMessageChars: env.MAX_MESSAGE_CHARS,
    doubleTexting: env.DOUBLE_TEXTING,
    slowToolMs: env.SLOW_TOOL_MS,
    debugValidateStreams: flag(env.DEBUG_VALIDATE_STREAMS),
    streamCoalesceMs: env.STREAM_COALESCE_MS,
    benchBaselines: flag(env.BENCH_BASELINES),
    debugMeasures: flag(env.DEBUG_MEASURES),
    redisUrl: env.REDIS_URL,
    rateLimits: {
      runsPerWindow: env.RATE_LIMIT_RUNS,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      activeRuns: env.RATE_LIMIT_ACTIVE_RUNS,
      globalActiveRuns: env.RATE_LIMIT_GLOBAL_ACTIVE_RUNS,
      sessionsPerWindow: env.RATE_LIMIT_SESSIONS,
      store: resolveRateLimitStore(env),
    },
    retention: resolveRetention(env.RUN_RETENTION_HOURS, env.DEBUG_PRUNE_PAUSE_MS),
    observability: {
      logLevel: env.LOG_LEVEL,
      metricsToken: env.METRICS_TOKEN,
      tracesEnabled: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
      serviceName: env.OTEL_SERVICE_NAME,
    },
  };
}

let cached: AppConfig | undefined;

/** The process's configuration, read from the environment once. */
export function getConfig(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
