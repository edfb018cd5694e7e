import { threadIdSchema } from '@/app/api/chat/schema';
import type { ThreadViewBody } from '@/lib/api/contracts';
import { deleteThread } from '@/lib/chat/delete-thread';
import { readThread } from '@/lib/chat/read-thread';
import { AppError } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

function parseThreadId(raw: string): string {
  if (!threadIdSchema.safeParse(raw).success) throw new AppError('not_found:thread', `Thread ${raw.slice(0, 64)} not found`);
  return raw;
}

/** The thread's history and its active run, so a reloaded page can show both. */
export const GET = authenticatedRoute<{ threadId: string }>(async (_request, { app, userId, params }) => {
  return Response.json((await readThread(app, userId, parseThreadId(params.threadId))) satisfies ThreadViewBody);
});

/** Deletes the thread (stopping any run still answering first); 204, again on a repeat. */
export const DELETE = authenticatedRoute<{ threadId: string }>(async (_request, { app, userId, params }) => {
  await deleteThread(app, userId, parseThreadId(params.threadId));
  return new Response(null, { status: 204 });
});
