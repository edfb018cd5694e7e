import { randomUUID } from 'node:crypto';
import { UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { requireBaselines } from '@/lib/baselines/enabled';
import { requestBoundReply } from '@/lib/baselines/request-bound-reply';
import { startResumableStream } from '@/lib/baselines/resumable-stream';
import { readJson } from '@/lib/http/read-json';
import { authenticatedRoute } from '@/lib/http/route';
import { chatRequestSchema } from '../../chat/schema';

export const dynamic = 'force-dynamic';

/** Benchmark baseline "resumable-stream": a request-bound reply mirrored into Redis for resuming. */
export const POST = authenticatedRoute(async (request, { app, userId }) => {
  requireBaselines(app.config);
  const body = await readJson(request, chatRequestSchema(app.config.maxMessageChars), app.config.maxRequestBytes);
  const streamId = randomUUID();
  // As in the recipe, generation goes on when this client disconnects (so another request can
  // re-attach); it still lives and dies with this server process.
  const chunks = await requestBoundReply(app, { threadId: body.id, userId, message: body.messages }, new AbortController().signal);
  const stream = await startResumableStream(app.config.redisUrl, streamId, chunks);
  if (!stream) return new Response(null, { status: 204 });
  return new Response(stream.pipeThrough(new TextEncoderStream()), { headers: { ...UI_MESSAGE_STREAM_HEADERS, 'x-resumable-stream-id': streamId } });
});
