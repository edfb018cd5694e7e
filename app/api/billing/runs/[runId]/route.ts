import { runLedger } from '@/lib/billing/usage-report';
import { authenticatedRoute } from '@/lib/http/route';
import { parseRunId } from '@/lib/runs/run-stream';

export const dynamic = 'force-dynamic';

/** One run's ledger entry and the consumption of each of its attempts. */
export const GET = authenticatedRoute<{ runId: string }>(async (_request, { app, userId, params }) => {
  return Response.json(await runLedger(app.db, userId, parseRunId(params.runId)));
});
