/**
 * A `fetch` for the chat transport that rides out server restarts and stops runaway reconnects.
 *
 * - Network failures (server restarting, connection refused) and 502/503/504 are retried with
 *   exponential backoff instead of failing the chat at once.
 * - A reconnect (`GET .../stream?startIndex=N`) that asks for the same index as the previous one
 *   made no progress: it is delayed with backoff, and after `maxStalledReconnects` it fails, so a
 *   stream that ends without `finish` cannot turn into a tight loop of requests.
 */
export interface ResilientFetchOptions {
  /** Called with true while a request is being retried, false once one gets through. */
  onReconnecting?: (reconnecting: boolean) => void;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxStalledReconnects?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof globalThis.fetch;
}

export class StalledStreamError extends Error {
  constructor(url: string) {
    super(`The stream at ${url} keeps ending without progress; giving up`);
    this.name = 'StalledStreamError';
  }
}

const retryableStatuses = new Set([502, 503, 504]);

function streamPosition(input: RequestInfo | URL): { key: string; startIndex: number } | undefined {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://relative.invalid');
  const match = url.pathname.match(/\/api\/chat\/([^/]+)\/stream$/);
  const startIndex = Number(url.searchParams.get('startIndex') ?? 0);
  return match?.[1] ? { key: match[1], startIndex } : undefined;
}

export function createResilientFetch(options: ResilientFetchOptions = {}): typeof globalThis.fetch {
  const {
    onReconnecting,
    maxAttempts = 12,
    baseDelayMs = 250,
    maxDelayMs = 5_000,
    maxStalledReconnects = 8,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    fetch: baseFetch = globalThis.fetch.bind(globalThis),
  } = options;
  const backoff = (attempt: number) => Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  let lastPosition: { key: string; startIndex: number } | undefined;
  let stalled = 0;

  return async (input, init) => {
    const position = streamPosition(input);
    if (position) {
      const same = lastPosition?.key === position.key && lastPosition.startIndex === position.startIndex;
      stalled = same ? stalled + 1 : 0;
      lastPosition = position;
      if (stalled > maxStalledReconnects) throw new StalledStreamError(String(input));
      if (stalled > 0) await sleep(backoff(stalled - 1));
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await baseFetch(input, init);
        if (!retryableStatuses.has(response.status) || attempt + 1 >= maxAttempts) {
          onReconnecting?.(false);
          return response;
        }
      } catch (error) {
        if (init?.signal?.aborted || attempt + 1 >= maxAttempts) {
          onReconnecting?.(false);
          throw error;
        }
      }
      onReconnecting?.(true);
      await sleep(backoff(attempt));
    }
  };
}
