import { randomUUID } from 'node:crypto';
import { RetryableError } from 'workflow';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { acquireLease, breakLeaseNotHeldBy, keepLease, releaseLease } from '../db/leases';
import { processId } from '../db/process-id';
import { recordedReply, recordReply } from '../runs/run-table';

/** The lease that admits one execution of a run's reply step at a time (see replyOnce). */
export function replyLeaseKey(runId: string): string {
  return `reply:${runId}`;
}

/** The reply lease's lifetime; its holder renews it every third of it. */
export const replyLeaseMs = 10_000;

/** Longest a duplicate execution waits for the one holding the reply (a reply can take minutes). */
const leaseWaitMs = 10 * 60_000;

/**
 * Runs a run's reply one execution at a time, and once. After a crash the world re-enqueues the
 * reply step while the queue may also redeliver it, and two executions would interleave their
 * chunks: a lease in the database admits one at a time, renewed while it replies (a crashed
 * holder's lease is broken at once on the embedded default, where every other holder is a dead
 * process; on PostgreSQL it expires, or the watchdog breaks it). The reply's result is recorded
 * on the run, and an execution that gets the lease after that returns the recorded result
 * instead of replying again. One that waits for the lease in vain is retried later.
 */
export async function replyOnce<T>(context: { db: AppDatabase; config: Pick<AppConfig, 'storage'> }, runId: string, reply: () => Promise<T>): Promise<T> {
  const { db, config } = context;
  const key = replyLeaseKey(runId);
  const holder = `${processId()}:${randomUUID()}`;
  if (config.storage.kind === 'embedded') await breakLeaseNotHeldBy(db, key, `${processId()}:`);
  if (!(await acquireLease(db, key, holder, replyLeaseMs, leaseWaitMs))) {
    throw new RetryableError('Another execution of this reply is still running', { retryAfter: replyLeaseMs });
  }
  const stopRenewing = keepLease(db, key, holder, replyLeaseMs);
  try {
    const recorded = await recordedReply<T>(db, runId);
    if (recorded) return recorded;
    const result = await reply();
    await recordReply(db, runId, result);
    return result;
  } finally {
    stopRenewing();
    await releaseLease(db, key, holder);
  }
}
