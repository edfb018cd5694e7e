import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';

/**
 * Claims a client-chosen message id for one user's thread. Memory stores messages under that
 * id, whoever sends it, so two turns racing with one id would let the later one move the
 * earlier user's message into its own thread. The first claim wins, atomically in the database;
 * a resend from the same user and thread keeps its claim.
 */
export async function claimMessageId(db: AppDatabase, messageId: string, userId: string, threadId: string): Promise<void> {
  await db
    .insertInto('message_claims')
    .values({ message_id: messageId, user_id: userId, thread_id: threadId })
    .onConflict((conflict) => conflict.column('message_id').doNothing())
    .execute();
  const claim = await db.selectFrom('message_claims').select(['user_id', 'thread_id']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
  if (claim.user_id !== userId || claim.thread_id !== threadId) {
    throw new AppError('conflict:message_id', 'This message id is already used by another message');
  }
}
