import pg from 'pg';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import type { AppConfig } from '../config';
import { getLogger } from '../observability/log';

export interface WindowCounterOptions {
  /** What is counted (`runs`, `sessions`): keys of different counters never meet. */
  keyPrefix: string;
  points: number;
  windowSeconds: number;
}

/** Makes per-window counters that all live in one store, over one connection. */
export type WindowCounters = (options: WindowCounterOptions) => RateLimiterAbstract;

/**
 * Counters in the configured store. A shared store that fails (Redis or PostgreSQL unreachable)
 * falls back to this process's memory: limits get looser for a while, but starting a turn or a
 * session never fails because the counter did. The store's client is opened on the first
 * counter and shared by all of them.
 */
export function createWindowCounters(config: Pick<AppConfig, 'rateLimits' | 'storage' | 'redisUrl'>): WindowCounters {
  const { store } = config.rateLimits;
  const log = getLogger().child({ component: 'rate-limits', store });
  let redis: ReturnType<typeof createClient> | undefined;
  let pool: pg.Pool | undefined;

  return ({ keyPrefix, points, windowSeconds: duration }) => {
    const options = { points, duration, keyPrefix };
    const insuranceLimiter = new RateLimiterMemory(options);
    if (store === 'redis') {
      if (!redis) {
        redis = createClient({ url: config.redisUrl, disableOfflineQueue: true });
        // Redis being down must not stop the app from booting: the client keeps reconnecting
        // and, until it is back, the insurance limiter counts.
        redis.on('error', (error: unknown) => log.debug({ err: error }, 'rate-limit store unreachable'));
        void redis.connect().catch(() => undefined);
      }
      return new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: true, insuranceLimiter });
    }
    if (store === 'postgres' && config.storage.kind === 'postgres') {
      if (!pool) {
        pool = new pg.Pool({ connectionString: config.storage.url, max: 3 });
        // An idle connection the server drops must not take the process down with it.
        pool.on('error', (error) => log.warn({ err: error }, 'rate-limit store connection lost'));
      }
      return new RateLimiterPostgres({ ...options, storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, insuranceLimiter });
    }
    return insuranceLimiter;
  };
}
