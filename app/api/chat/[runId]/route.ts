import { describeRun, runIdPattern } from '@/lib/chat/run-stream';
import { AppError } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The run's status as the workflow world reports it. */
export const GET = authenticatedRoute<{ runId: string }>(async (_request, { app, userId, params }) => {
  if (!runIdPattern.test(params.runId)) throw new AppError('not_found:run', `Run ${params.runId} not found`);
  return Response.json(await describeRun(app.db, userId, params.runId));
});
