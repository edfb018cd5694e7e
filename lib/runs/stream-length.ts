import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';

/** How many chunks the run's stream holds right now: its tail index, the readable cancelled unread. */
export async function countStreamChunks(runId: string): Promise<number> {
  const readable = getRun(runId).getReadable({ startIndex: -1 });
  try {
    return (await readable.getTailIndex()) + 1;
  } finally {
    await readable.cancel();
  }
}

/**
 * Records the length of a run's closed stream, so listing runs never has to ask the world for
 * it (the local world lists every chunk file to answer). A re-run of the closing step records
 * the same number.
 */
export async function recordStreamLength(db: AppDatabase, runId: string, length: number): Promise<void> {
  await db.updateTable('chat_runs').set({ stream_chunks: length }).where('run_id', '=', runId).execute();
}
