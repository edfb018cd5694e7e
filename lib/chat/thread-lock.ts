import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDatabase } from '../db/database';
import { releaseLease, tryAcquireLease } from '../db/leases';
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
  const deadline = Date.now() + maxWaitMs;
  while (!(await tryAcquireLease(db, key, holder, leaseMs))) {
    if (Date.now() > deadline) throw new AppError('conflict:thread_busy', 'The thread is busy; try again');
    await sleep(retryMs);
  }
  try {
    return await critical();
  } finally {
    await releaseLease(db, key, holder);
  }
}
