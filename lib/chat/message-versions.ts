import { toAISdkMessages } from '@mastra/ai-sdk/ui';
import type { MastraDBMessage } from '@mastra/core/agent/message-list';
import type { UIMessage } from 'ai';
import type { AppDatabase } from '../db/database';
import { type ChatMessage, runIdOfReply } from '../stream/message-protocol';

/** The earlier answers of each user message, oldest first, keyed by the user message id. */
export type MessageVersions = Record<string, ChatMessage[]>;

/**
 * Keeps a replaced answer readable: its parts go to `message_versions`, keyed by thread and
 * answer id, so a re-run of the step that archives it writes nothing twice.
 */
export async function archiveAnswer(db: AppDatabase, threadId: string, userMessageId: string, answer: readonly MastraDBMessage[], at: Date = new Date()): Promise<void> {
  const messages = toAISdkMessages([...answer], { version: 'v6' }) as UIMessage[];
  for (const [index, message] of messages.entries()) {
    await db
      .insertInto('message_versions')
      .values({
        thread_id: threadId,
        message_id: message.id,
        user_message_id: userMessageId,
        run_id: runIdOfReply(message.id) ?? null,
        parts: JSON.stringify(message.parts),
        // Several messages of one answer keep their order.
        created_at: new Date(at.getTime() + index).toISOString(),
      })
      .onConflict((conflict) => conflict.columns(['thread_id', 'message_id']).doNothing())
      .execute();
  }
}

/** The thread's earlier answers, for the user messages in `userMessageIds` (those still in the thread). */
export async function versionsOfThread(db: AppDatabase, threadId: string, userMessageIds: readonly string[]): Promise<MessageVersions> {
  if (userMessageIds.length === 0) return {};
  const rows = await db.selectFrom('message_versions').selectAll().where('thread_id', '=', threadId).where('user_message_id', 'in', userMessageIds).orderBy('created_at').execute();
  const versions: MessageVersions = {};
  for (const row of rows) {
    const message: ChatMessage = { id: row.message_id, role: 'assistant', parts: JSON.parse(row.parts) as ChatMessage['parts'] };
    const answers = versions[row.user_message_id] ?? [];
    answers.push(message);
    versions[row.user_message_id] = answers;
  }
  return versions;
}

export async function deleteVersionsOfThread(db: AppDatabase, threadId: string): Promise<void> {
  await db.deleteFrom('message_versions').where('thread_id', '=', threadId).execute();
}

export async function deleteVersionsOfMessage(db: AppDatabase, threadId: string, userMessageId: string): Promise<void> {
  await db.deleteFrom('message_versions').where('thread_id', '=', threadId).where('user_message_id', '=', userMessageId).execute();
}
