import { toAISdkMessages } from '@mastra/ai-sdk/ui';
import { MessageList } from '@mastra/core/agent';
import type { Memory } from '@mastra/memory';
import type { UIMessage } from 'ai';
import { splitDirective } from '../directive-markup';
import { AppError } from '../errors';
import { messageText } from '../stream/message-protocol';

const titleLength = 80;

function titleFrom(message: UIMessage): string {
  const joined = messageText(message, ' ');
  // A simulation directive steers the built-in model; it is not what the conversation is about.
  const text = splitDirective(joined).text;
  return text.length > titleLength ? `${text.slice(0, titleLength - 1)}…` : text || 'New chat';
}

/**
 * A thread belongs to the user who created it. Another user's thread is reported as missing
 * (404, not 403) so thread ids cannot be probed.
 */
export async function requireOwnThread(memory: Memory, threadId: string, userId: string) {
  const thread = await memory.getThreadById({ threadId });
  if (!thread || thread.resourceId !== userId) throw new AppError('not_found:thread', `Thread ${threadId} not found`);
  return thread;
}

/** Opens the thread for a new turn, creating it on first use; someone else's thread is a 404. */
export async function openThreadForTurn(memory: Memory, threadId: string, userId: string, message: UIMessage): Promise<void> {
  const existing = await memory.getThreadById({ threadId });
  if (existing && existing.resourceId !== userId) throw new AppError('not_found:thread', `Thread ${threadId} not found`);
  if (!existing) await memory.createThread({ threadId, resourceId: userId, title: titleFrom(message) });
}

/**
 * Persists the user's message before the turn starts, so a reload or a crash mid-turn still
 * shows it. Saving is an upsert by message id: a resent message is never duplicated.
 */
export async function saveUserMessage(memory: Memory, threadId: string, userId: string, message: UIMessage): Promise<void> {
  const list = new MessageList({ threadId, resourceId: userId }).add(message, 'input');
  await memory.saveMessages({ messages: list.get.all.db() });
}

/** The thread's stored messages as AI SDK v6 UIMessages, oldest first. */
export async function threadMessages(memory: Memory, threadId: string, userId: string): Promise<UIMessage[]> {
  const { messages } = await memory.recall({ threadId, resourceId: userId, perPage: false });
  return toAISdkMessages(messages, { version: 'v6' }) as UIMessage[];
}
