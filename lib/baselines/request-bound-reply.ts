import { randomUUID } from 'node:crypto';
import { handleChatStream } from '@mastra/ai-sdk';
import type { UIMessage, UIMessageChunk } from 'ai';
import { chatAgentId, turnRequestContext } from '../../mastra/agents/chat-agent';
import type { AppContext } from '../app-context';
import { openThreadForTurn } from '../chat/threads';

/**
 * The same agent, memory and model as a durable turn, streamed straight from the request the
 * way the app worked before durable runs: nothing outlives the connection. The benchmark's
 * floor (baseline "direct") and the stream the resumable-stream baseline wraps.
 */
export async function requestBoundReply(
  context: Pick<AppContext, 'mastra' | 'memory'>,
  turn: { threadId: string; userId: string; message: UIMessage },
  abortSignal: AbortSignal,
): Promise<ReadableStream<UIMessageChunk>> {
  await openThreadForTurn(context.memory, turn.threadId, turn.userId, turn.message);
  return handleChatStream({
    mastra: context.mastra,
    agentId: chatAgentId,
    version: 'v6',
    params: {
      messages: [turn.message],
      memory: { thread: turn.threadId, resource: turn.userId },
      requestContext: turnRequestContext({ attempt: 1, runId: `request_${randomUUID()}` }),
      abortSignal,
    },
  });
}
