import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import type { AppMetrics } from './metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admits a Prometheus scrape: anyone when no token is configured (the endpoint then belongs on
 * a private network), else only `Authorization: Bearer <token>`, compared in constant time.
 */
export function authorizeScrape(request: Request, token: string | undefined): void {
  if (token === undefined) return;
  const presented = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (presented && timingSafeEqual(digest(presented), digest(token))) return;
  throw new AppError('unauthorized:metrics', 'Metrics need the METRICS_TOKEN bearer token', {
    headers: { 'www-authenticate': 'Bearer realm="metrics"' },
  });
}

/** This process's metrics in the Prometheus text exposition format. */
export async function scrapeResponse(metrics: AppMetrics): Promise<Response> {
  return new Response(await metrics.registry.metrics(), {
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
  });
}
