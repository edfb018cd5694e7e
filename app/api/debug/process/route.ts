import { getConfig } from '@/lib/config';
import { AppError, errorToResponse } from '@/lib/errors';
import { measureProcess } from '@/lib/observability/process-measures';
import { authorizeScrape } from '@/lib/observability/scrape';

export const dynamic = 'force-dynamic';

/** Leak hunting (`DEBUG_MEASURES=1`, else 404): this process's memory, descriptors, lag and listeners; `?gc=1` collects garbage first. */
export async function GET(request: Request): Promise<Response> {
  try {
    const config = getConfig();
    if (!config.debugMeasures) throw new AppError('not_found:route', 'Not found');
    authorizeScrape(request, config.observability.metricsToken);
    const collectGarbage = new URL(request.url).searchParams.get('gc') === '1';
    return Response.json(await measureProcess({ collectGarbage }), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return errorToResponse(error);
  }
}
