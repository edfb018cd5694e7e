import type { MastraDBMessage } from '@mastra/core/agent/message-list';
import type { Memory } from '@mastra/memory';
import type { ChatTurn } from './turn';

async function messagesAfterUserMessage(memory: Memory, turn: ChatTurn): Promise<MastraDBMessage[]> {
  const { messages } = await memory.recall({ threadId: turn.threadId, resourceId: turn.userId, perPage: false });
  const index = messages.findIndex((message) => message.id === turn.message.id);
  return index === -1 ? [] : messages.slice(index + 1);
}

/**
 * Removes what an abandoned attempt of this turn stored (Mastra saves each finished step), so a
 * retried or crash-recovered turn does not append its reply to the old one. Turns on a thread
 * run one at a time, so everything after the turn's user message belongs to this turn.
 */
export async function discardAbandonedReply(memory: Memory, turn: ChatTurn): Promise<number> {
  const stale = await messagesAfterUserMessage(memory, turn);
  if (stale.length > 0) await memory.deleteMessages(stale.map((message) => message.id));
  return stale.length;
}

/**
 * Makes the stored reply carry the id the stream announced, so the client's message and the
 * stored one are the same object. Mastra stores the reply under an id of its own (a new one per
 * attempt, and another one for a stopped reply); it has finished saving by the time the agent
 * stream ends, so renaming afterwards cannot race with it.
 */
export async function alignStoredReply(memory: Memory, turn: ChatTurn, messageId: string): Promise<void> {
  const stored = await messagesAfterUserMessage(memory, turn);
  if (stored.some((message) => message.id === messageId)) return;
  const reply = stored.findLast((message) => message.role === 'assistant');
  if (!reply) return;
  await memory.saveMessages({ messages: [{ ...reply, id: messageId }] });
  await memory.deleteMessages(stored.filter((message) => message.id !== messageId).map((message) => message.id));
}
