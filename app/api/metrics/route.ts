import { getConfig } from '@/lib/config';
import { errorToResponse } from '@/lib/errors';
import { getMetrics } from '@/lib/observability/metrics';
import { authorizeScrape, scrapeResponse } from '@/lib/observability/scrape';

export const dynamic = 'force-dynamic';

/** Prometheus scrape target: this process's counters, histograms and process metrics. */
export async function GET(request: Request): Promise<Response> {
  try {
    authorizeScrape(request, getConfig().observability.metricsToken);
    return await scrapeResponse(getMetrics());
  } catch (error) {
    return errorToResponse(error);
  }
}
