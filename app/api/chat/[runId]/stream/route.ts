import { createUIMessageStreamResponse } from 'ai';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';
import { openRunStream, parseRunId } from '@/lib/runs/run-stream';

export const dynamic = 'force-dynamic';

const startIndexSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Serves a run's chunks from `startIndex` on, live, so a client can resume mid-message (see openRunStream). */
export const GET = authenticatedRoute<{ runId: string }>(async (request, { app, userId, params }) => {
  const runId = parseRunId(params.runId);
  const raw = new URL(request.url).searchParams.get('startIndex') ?? '0';
  const startIndex = startIndexSchema.safeParse(raw.trim() === '' ? Number.NaN : raw);
  if (!startIndex.success) throw new AppError('bad_request:start_index', 'startIndex must be a non-negative integer');
  const { readable, tailIndex, clean } = await openRunStream(app.db, userId, runId, startIndex.data);
  return createUIMessageStreamResponse({
    stream: readable,
    // The tail index is the durable stream's; `x-replay: clean` says this response left out the
    // attempts a retry abandoned, so its chunks no longer count one for one against that index.
    headers: { 'x-workflow-run-id': runId, 'x-workflow-stream-tail-index': String(tailIndex), ...(clean ? { 'x-replay': 'clean' } : {}) },
  });
});
