import { authenticatedRoute } from '@/lib/http/route';
import { cancelRun, describeRun, parseRunId } from '@/lib/runs/run-stream';

export const dynamic = 'force-dynamic';

/** The run's status as the workflow world reports it. */
export const GET = authenticatedRoute<{ runId: string }>(async (_request, { app, userId, params }) => {
  const runId = parseRunId(params.runId);
  return Response.json(await describeRun(app.db, userId, runId));
});

/** Stop: ends the run on the server, not just this client's connection. */
export const DELETE = authenticatedRoute<{ runId: string }>(async (_request, { app, userId, params }) => {
  const runId = parseRunId(params.runId);
  return Response.json(await cancelRun(app.db, userId, runId), { status: 202 });
});
