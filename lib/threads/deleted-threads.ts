import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';

/**
 * Records that the user deleted the thread. The record outlives the thread's data: it keeps the
 * id from being reused by a tab that still has the thread open, and makes every API answer 404
 * for the thread and its runs while the data is being removed and after.
 */
export async function markThreadDeleted(db: AppDatabase, threadId: string, userId: string, at: Date = new Date()): Promise<void> {
  await db
    .insertInto('deleted_threads')
    .values({ thread_id: threadId, user_id: userId, deleted_at: at.toISOString() })
    .onConflict((conflict) => conflict.column('thread_id').doNothing())
    .execute();
}

/** Who deleted the thread, if it was deleted. */
export async function deletedThreadOwner(db: AppDatabase, threadId: string): Promise<string | undefined> {
  const row = await db.selectFrom('deleted_threads').select('user_id').where('thread_id', '=', threadId).executeTakeFirst();
  return row?.user_id;
}

export async function isThreadDeleted(db: AppDatabase, threadId: string): Promise<boolean> {
  return (await deletedThreadOwner(db, threadId)) !== undefined;
}

/** A deleted thread is a thread that does not exist, for its owner as for anyone else. */
export async function refuseDeletedThread(db: AppDatabase, threadId: string): Promise<void> {
  if (await isThreadDeleted(db, threadId)) throw new AppError('not_found:thread', `Thread ${threadId} not found`);
}

/** The ids among `threadIds` that were deleted. */
export async function deletedAmong(db: AppDatabase, threadIds: readonly string[]): Promise<Set<string>> {
  if (threadIds.length === 0) return new Set();
  const rows = await db.selectFrom('deleted_threads').select('thread_id').where('thread_id', 'in', threadIds).execute();
  return new Set(rows.map((row) => row.thread_id));
}
