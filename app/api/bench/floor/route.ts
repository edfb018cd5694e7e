import { createUIMessageStreamResponse } from 'ai';
import { start } from 'workflow/api';
import { z } from 'zod';
import { requireBaselines } from '@/lib/baselines/enabled';
import { readJson } from '@/lib/http/read-json';
import { authenticatedRoute } from '@/lib/http/route';
import { floorWorkflow } from '@/workflows/bench/floor';

export const dynamic = 'force-dynamic';

const floorSchema = z.object({ steps: z.number().int().min(2).max(20), chunks: z.number().int().min(0).max(2000) });

/** Benchmark probe: a bare workflow run of N steps and M chunks, streamed like a turn. */
export const POST = authenticatedRoute(async (request, { app }) => {
  requireBaselines(app.config);
  const shape = await readJson(request, floorSchema, app.config.maxRequestBytes);
  const run = await start(floorWorkflow, [shape]);
  return createUIMessageStreamResponse({ stream: run.readable, headers: { 'x-workflow-run-id': run.runId } });
});
