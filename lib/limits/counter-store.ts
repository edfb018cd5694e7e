import pg from 'pg';
import { createClient } from 'redis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../config';
import { getLogger } from '../observability/log';

/**
 * The counter behind "runs per window", in the configured store. A shared store that fails
 * (Redis or PostgreSQL unreachable) falls back to this process's memory: limits get looser for
 * a while, but starting a turn never fails because the counter did.
 */
export function createWindowCounter(config: Pick<AppConfig, 'rateLimits' | 'storage' | 'redisUrl'>): RateLimiterAbstract {
  const { runsPerWindow: points, windowSeconds: duration, store } = config.rateLimits;
  const options = { points, duration, keyPrefix: 'runs' };
  const insuranceLimiter = new RateLimiterMemory(options);
  const log = getLogger().child({ component: 'rate-limits', store });
  if (store === 'redis') {
    const client = createClient({ url: config.redisUrl, disableOfflineQueue: true });
    // Redis being down must not stop the app from booting: the client keeps reconnecting and,
    // until it is back, the insurance limiter counts.
    client.on('error', (error: unknown) => log.debug({ err: error }, 'rate-limit store unreachable'));
    void client.connect().catch(() => undefined);
    return new RateLimiterRedis({ ...options, storeClient: client, useRedisPackage: true, insuranceLimiter });
  }
  if (store === 'postgres' && config.storage.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.storage.url, max: 3 });
    // An idle connection the server drops must not take the process down with it.
    pool.on('error', (error) => log.warn({ err: error }, 'rate-limit store connection lost'));
    return new RateLimiterPostgres({ ...options, storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, insuranceLimiter });
  }
  return insuranceLimiter;
}
