import { threadIdSchema } from '@/app/api/chat/schema';
import { readThread } from '@/lib/chat/read-thread';
import { AppError } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The thread's history and its active run, so a reloaded page can show both. */
export const GET = authenticatedRoute<{ threadId: string }>(async (_request, { app, userId, params }) => {
  if (!threadIdSchema.safeParse(params.threadId).success) throw new AppError('not_found:thread', `Thread ${params.threadId.slice(0, 64)} not found`);
  return Response.json(await readThread(app, userId, params.threadId));
});
