import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';

const leaseMs = 10_000;
const retryMs = 15;
const maxWaitMs = 5_000;

/**
 * Runs `critical` while holding the thread's lease, so "is a turn running?" and "start a turn"
 * happen as one step even for concurrent requests on several instances. The lease is a row with
 * a unique key; one that outlived a crashed holder expires and is taken over.
 */
export async function withThreadLock<T>(db: AppDatabase, threadId: string, critical: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const now = Date.now();
    const result = await db
      .insertInto('thread_locks')
      .values({ thread_id: threadId, holder, expires_at: now + leaseMs })
      .onConflict((conflict) =>
        conflict.column('thread_id').doUpdateSet({ holder, expires_at: now + leaseMs }).where('thread_locks.expires_at', '<', now),
      )
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) break;
    if (Date.now() > deadline) throw new AppError('conflict:thread_busy', 'The thread is busy; try again');
    await sleep(retryMs);
  }
  try {
    return await critical();
  } finally {
    await db.deleteFrom('thread_locks').where('thread_id', '=', threadId).where('holder', '=', holder).execute();
  }
}
