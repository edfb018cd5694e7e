import type { UsageReportBody } from '@/lib/api/contracts';
import { reportRange, usageReport } from '@/lib/billing/usage-report';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The caller's charged usage by day and model: `?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: 30 days). */
export const GET = authenticatedRoute(async (request, { app, userId }) => {
  const params = new URL(request.url).searchParams;
  const range = reportRange(params.get('from'), params.get('to'));
  return Response.json((await usageReport(app.db, userId, range)) satisfies UsageReportBody);
});
