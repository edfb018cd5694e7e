import pg from 'pg';
import { createClient } from 'redis';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppConfig } from '../config';

export interface WindowCounter {
  limiter: RateLimiterAbstract;
  close: () => Promise<void>;
}

/**
 * The counter behind "runs per window", in the configured store. A shared store that fails
 * (Redis or PostgreSQL unreachable) falls back to this process's memory: limits get looser for
 * a while, but starting a turn never fails because the counter did.
 */
export function createWindowCounter(config: Pick<AppConfig, 'rateLimits' | 'storage' | 'redisUrl'>): WindowCounter {
  const { runsPerWindow: points, windowSeconds: duration, store } = config.rateLimits;
  const options = { points, duration, keyPrefix: 'runs' };
  const insuranceLimiter = new RateLimiterMemory(options);
  if (store === 'redis') {
    const client = createClient({ url: config.redisUrl, disableOfflineQueue: true });
    // Redis being down must not stop the app from booting: the client keeps reconnecting and,
    // until it is back, the insurance limiter counts.
    client.on('error', () => undefined);
    void client.connect().catch(() => undefined);
    const limiter = new RateLimiterRedis({ ...options, storeClient: client, useRedisPackage: true, insuranceLimiter });
    return { limiter, close: async () => void (await client.quit().catch(() => undefined)) };
  }
  if (store === 'postgres' && config.storage.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.storage.url, max: 3 });
    const limiter = new RateLimiterPostgres({ ...options, storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, insuranceLimiter });
    return { limiter, close: () => pool.end() };
  }
  return { limiter: insuranceLimiter, close: async () => undefined };
}
