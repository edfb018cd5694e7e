import type { ToolExecutionContext } from '@mastra/core/tools';
import type { ToolCallRequest } from '../../lib/tools/run-once';
import { runIdContextKey } from '../agents/chat-agent';

/** Who made a tool call and in which run, from the context Mastra hands a tool. */
export function toolCallRequest(toolName: string, input: unknown, context: ToolExecutionContext): ToolCallRequest & { userId: string; threadId: string } {
  const runId = context.requestContext?.get(runIdContextKey);
  const { toolCallId, threadId, resourceId } = context.agent ?? {};
  if (typeof runId !== 'string' || !toolCallId || !threadId || !resourceId) {
    throw new Error(`${toolName} can only run inside a chat turn`);
  }
  return { runId, toolName, toolCallId, input, userId: resourceId, threadId };
}
