import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { acquireLease, breakLeaseNotHeldBy, releaseLease } from '../db/leases';
import { processId } from '../db/process-id';

const ttlMs = 20_000;
const waitMs = 60_000;

/**
 * Runs the work that closes a run (memory, charge, the stream's terminal chunks) one execution
 * at a time. The world's in-flight dedupe is per process, and after crashes a run's closing step
 * can be delivered to two instances at once, or race the watchdog ending the run: each would
 * find no `finish` at the tail and write its own, interleaved. The lease outlives a normal close
 * many times over; a holder that died frees it when it expires, or at once on the embedded
 * default, where every other holder is a dead process.
 */
export async function withRunCloseLease<T>(context: { db: AppDatabase; config: Pick<AppConfig, 'storage'> }, runId: string, work: () => Promise<T>): Promise<T> {
  const { db, config } = context;
  const key = `close:${runId}`;
  const holder = `${processId()}:${randomUUID()}`;
  if (config.storage.kind === 'embedded') await breakLeaseNotHeldBy(db, key, `${processId()}:`);
  if (!(await acquireLease(db, key, holder, ttlMs, waitMs, 50))) throw new Error(`Another execution is still closing run ${runId}`);
  try {
    return await work();
  } finally {
    await releaseLease(db, key, holder);
  }
}
