import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { getConfig, type LogLevel } from '../config';

export type { Logger } from 'pino';

/** What identifies a run in every log line about it. */
export interface RunLogFields {
  runId: string;
  /** Absent only where the run's record is missing. */
  threadId: string | undefined;
  userId: string | undefined;
}

/**
 * Keys whose values never reach the output, at the top level and one or two levels down
 * (`headers.authorization`, `request.headers.cookie`): session tokens, provider keys, secrets.
 * Matching is exact, so header names are listed as written in lower case and in title case.
 */
const headerKeys = ['authorization', 'cookie', 'set-cookie', 'x-api-key'];
const titleCase = (name: string) => name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
const secretKeys = [...headerKeys, ...headerKeys.map(titleCase), 'token', 'apiKey', 'api_key', 'secret', 'password'];
const redactedPaths = secretKeys.flatMap((key) => {
  const property = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const nested = property.startsWith('[') ? property : `.${property}`;
  return [property, `*${nested}`, `*.*${nested}`];
});

/**
 * Errors are logged by name, message, stack and status only: provider errors carry the request
 * body (the user's prompt) and the response, which stay out of the logs.
 */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
  return { type: error.name, message: error.message, stack: error.stack, statusCode, code, cause };
}

/** The active span's ids, so a log line can be found from its trace and the other way round. */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where the JSON lines go; stdout by default, written synchronously so a crash loses none. */
  destination?: DestinationStream;
}

/** A JSON-lines logger: ISO time, level names, trace ids when a span is active, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceFields,
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

// Route handlers and the workflow step bundle are bundled separately; one logger per process.
const cacheKey = Symbol.for('durable-chat.logger');
type LoggerCache = { [cacheKey]?: Logger };

/** The process's logger, created on first use from the configuration. */
export function getLogger(): Logger {
  const cache = globalThis as LoggerCache;
  cache[cacheKey] ??= createLogger({ level: getConfig().observability.logLevel });
  return cache[cacheKey];
}

/** A logger whose every line names the run, its thread and its user. */
export function runLogger(fields: RunLogFields): Logger {
  return getLogger().child(fields);
}
