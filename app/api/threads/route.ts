import type { ThreadListBody } from '@/lib/api/contracts';
import { listThreads } from '@/lib/chat/list-threads';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The caller's threads, newest first, with whether each is answering right now. */
export const GET = authenticatedRoute(async (_request, { app, userId }) => Response.json({ threads: await listThreads(app, userId) } satisfies ThreadListBody));
