import type { AppDatabase } from '../db/database';
import { withLease } from '../db/leases';
import { AppError } from '../errors';

/**
 * Runs `critical` while holding the thread's lease, so "is a turn running?" and "start a turn"
 * happen as one step even for concurrent requests on several instances.
 */
export function withThreadLock<T>(db: AppDatabase, threadId: string, critical: () => Promise<T>): Promise<T> {
  return withLease(db, `thread:${threadId}`, { ttlMs: 10_000, waitMs: 5_000, pollMs: 15, busy: () => new AppError('conflict:thread_busy', 'The thread is busy; try again') }, critical);
}
