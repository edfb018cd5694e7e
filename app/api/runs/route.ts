import type { RunPageBody } from '@/lib/api/contracts';
import { readQuery } from '@/lib/http/read-query';
import { authenticatedRoute } from '@/lib/http/route';
import { listRuns } from '@/lib/runs/list-runs';
import { runsQuerySchema } from './schema';

export const dynamic = 'force-dynamic';

/** The caller's recent runs, newest first: `?limit=1..200` (default 50), `?before=<runId>` for older ones. */
export const GET = authenticatedRoute(async (request, { app, userId }) => Response.json((await listRuns(app, userId, readQuery(request, runsQuerySchema))) satisfies RunPageBody));
