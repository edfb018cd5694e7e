import { randomUUID } from 'node:crypto';
import type { AppDatabase } from '../db/database';
import { acquireLease, releaseLease } from '../db/leases';
import { AppError } from '../errors';

const leaseMs = 10_000;
const retryMs = 15;
const maxWaitMs = 5_000;

/**
 * Runs `critical` while holding the thread's lease, so "is a turn running?" and "start a turn"
 * happen as one step even for concurrent requests on several instances.
 */
export async function withThreadLock<T>(db: AppDatabase, threadId: string, critical: () => Promise<T>): Promise<T> {
  const key = `thread:${threadId}`;
  const holder = randomUUID();
  if (!(await acquireLease(db, key, holder, leaseMs, maxWaitMs, retryMs))) {
    throw new AppError('conflict:thread_busy', 'The thread is busy; try again');
  }
  try {
    return await critical();
  } finally {
    await releaseLease(db, key, holder);
  }
}
