import { createUIMessageStreamResponse } from 'ai';
import { z } from 'zod';
import { openRunStream, runIdPattern } from '@/lib/chat/run-stream';
import { AppError } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

const startIndexSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Serves a run's chunks from `startIndex` on, live, so a client can resume mid-message. */
export const GET = authenticatedRoute<{ runId: string }>(async (request, { app, userId, params }) => {
  if (!runIdPattern.test(params.runId)) throw new AppError('not_found:run', `Run ${params.runId} not found`);
  const raw = new URL(request.url).searchParams.get('startIndex') ?? '0';
  const startIndex = startIndexSchema.safeParse(raw.trim() === '' ? Number.NaN : raw);
  if (!startIndex.success) throw new AppError('bad_request:start_index', 'startIndex must be a non-negative integer');
  const { readable, tailIndex } = await openRunStream(app.db, userId, params.runId, startIndex.data);
  return createUIMessageStreamResponse({
    stream: readable,
    headers: { 'x-workflow-run-id': params.runId, 'x-workflow-stream-tail-index': String(tailIndex) },
  });
});
