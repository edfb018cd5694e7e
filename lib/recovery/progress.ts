import type { AppDatabase } from '../db/database';
import { getLogger } from '../observability/log';

/**
 * How often a step that works on a run says so. The watchdog treats a run as stalled once no
 * step has said so for `stallAfterMs` (lib/recovery/watchdog.ts), so this must stay well under it.
 */
export const progressBeatMs = 1_500;

/** Records that a live process is working on the run now; clears the watchdog's stall count. */
export async function markProgress(db: AppDatabase, runId: string): Promise<void> {
  await db.updateTable('chat_runs').set({ progress_at: Date.now(), stalls: 0 }).where('run_id', '=', runId).execute();
}

/**
 * Marks the run as progressing now and every `progressBeatMs` until the returned function is
 * called: the sign that a live process holds the run's work, for as long as a step runs. A
 * failed beat is logged, not thrown: at worst the watchdog resumes a run that was alive, which
 * steps tolerate (they are idempotent, the reply step takes a lease).
 */
export function keepProgress(db: AppDatabase, runId: string): () => void {
  const beat = () => markProgress(db, runId).catch((error: unknown) => getLogger().warn({ runId, err: error }, 'could not record run progress'));
  void beat();
  const timer = setInterval(beat, progressBeatMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs a step's work while keeping the run marked as progressing. */
export async function withProgress<T>(db: AppDatabase, runId: string, work: () => Promise<T>): Promise<T> {
  const stop = keepProgress(db, runId);
  try {
    return await work();
  } finally {
    stop();
  }
}
