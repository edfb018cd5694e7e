import { createUIMessageStreamResponse } from 'ai';
import { requireBaselines } from '@/lib/baselines/enabled';
import { requestBoundReply } from '@/lib/baselines/request-bound-reply';
import { readJson } from '@/lib/http/read-json';
import { authenticatedRoute } from '@/lib/http/route';
import { chatRequestSchema } from '../../chat/schema';

export const dynamic = 'force-dynamic';

/** Benchmark baseline "direct": the agent streamed straight into this response, no durability. */
export const POST = authenticatedRoute(async (request, { app, userId }) => {
  requireBaselines(app.config);
  const body = await readJson(request, chatRequestSchema(app.config.maxMessageChars), app.config.maxRequestBytes);
  const stream = await requestBoundReply(app, { threadId: body.id, userId, message: body.messages }, request.signal);
  return createUIMessageStreamResponse({ stream });
});
