import type { Memory } from '@mastra/memory';
import type { AppDatabase } from '../db/database';
import { archiveAnswer, deleteVersionsOfMessage } from './message-versions';
import type { ChatTurn } from './turn';

/**
 * Makes memory end at the turn's user message before a regenerate or an edit answers it again,
 * so the model sees only the branch being continued. A regenerate first keeps the answer it
 * replaces (the messages up to the next user message) as an earlier version; an edit drops what
 * followed, and the message's earlier versions, since those answered a question the user no
 * longer asks. The runs and
 * charges of what leaves memory stay in the ledger.
 *
 * Runs after the thread's previous turn ended (an interrupted answer has been stored by then) and
 * before the user message is stored again. Idempotent: archiving is keyed, and a re-run finds
 * nothing left after the message.
 */
export async function cutThreadAfterMessage(db: AppDatabase, memory: Memory, turn: ChatTurn): Promise<void> {
  if (turn.replaces?.kind === 'edit') await deleteVersionsOfMessage(db, turn.threadId, turn.message.id);
  const { messages } = await memory.recall({ threadId: turn.threadId, resourceId: turn.userId, perPage: false });
  const index = messages.findIndex((message) => message.id === turn.message.id);
  if (index === -1) return;
  const after = messages.slice(index + 1);
  if (after.length === 0) return;
  if (turn.replaces?.kind === 'regenerate') {
    const nextUser = after.findIndex((message) => message.role === 'user');
    const answer = nextUser === -1 ? after : after.slice(0, nextUser);
    if (answer.length > 0) await archiveAnswer(db, turn.threadId, turn.message.id, answer);
  }
  await memory.deleteMessages(after.map((message) => message.id));
}
