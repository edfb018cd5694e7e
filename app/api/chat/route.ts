import { createUIMessageStreamResponse } from 'ai';
import { getRun } from 'workflow/api';
import { startChatTurn } from '@/lib/chat/start-turn';
import { readJson } from '@/lib/http/read-json';
import { authenticatedRoute } from '@/lib/http/route';
import { startTurnRun } from '@/workflows/chat/start';
import { chatRequestSchema } from './schema';

export const dynamic = 'force-dynamic';

/** Starts a durable turn and answers with its stream; the run id lets the client reconnect. */
export const POST = authenticatedRoute(async (request, { app, userId }) => {
  const body = await readJson(request, chatRequestSchema(app.config.maxMessageChars), app.config.maxRequestBytes);
  const policy = body.onActiveRun ?? app.config.doubleTexting;
  const trigger = { trigger: body.trigger, messageId: body.messageId };
  const runId = await startChatTurn(app, startTurnRun, { threadId: body.id, userId, message: body.messages }, policy, trigger);
  return createUIMessageStreamResponse({
    stream: getRun(runId).getReadable(),
    headers: { 'x-workflow-run-id': runId },
  });
});
