import type { ApiErrorBody } from './api/contracts';
import { isDatabaseOverloaded } from './db/overload';
import { getLogger } from './observability/log';

/** HTTP-facing error kinds; each maps to exactly one status code. */
const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type ErrorKind = keyof typeof statusByKind;

/** A stable error code such as `not_found:run`: the kind, then the subject it is about. */
export type ErrorCode = `${ErrorKind}:${string}`;

const marker = Symbol.for('durable-chat.app-error');

/**
 * The one error type the API turns into responses. Its `code` is stable and meant for clients;
 * its message is for humans. Extra fields (e.g. the active run id on a conflict) go in `details`.
 */
export class AppError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = statusByKind[code.split(':')[0] as ErrorKind];
    this.details = options.details;
    this.headers = options.headers;
  }

  static isInstance(value: unknown): value is AppError {
    return typeof value === 'object' && value !== null && marker in value;
  }

  toResponse(): Response {
    return Response.json({ error: { code: this.code, message: this.message, ...this.details } } satisfies ApiErrorBody, { status: this.status, headers: this.headers });
  }
}

/**
 * Maps anything thrown by a handler to a response: AppErrors keep their status, everything else
 * is logged and becomes a 500 without leaking internals.
 */
export function errorToResponse(error: unknown): Response {
  if (AppError.isInstance(error)) return error.toResponse();
  if (isDatabaseOverloaded(error)) {
    // Capacity, not a bug: the client may send the same request again shortly (a turn's message
    // id is its idempotency key, so a resent turn attaches to whatever it had started).
    getLogger().warn({ err: error }, 'database refused work for lack of capacity');
    return new AppError('unavailable:database', 'The database is busy; try again shortly', { headers: { 'retry-after': '1' } }).toResponse();
  }
  getLogger().error({ err: error }, 'unhandled error in route handler');
  return Response.json({ error: { code: 'internal:server', message: 'Internal server error' } } satisfies ApiErrorBody, { status: 500 });
}
