import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { type ChatRun, latestRunOfThread } from './runs';

export const activeStatuses: ReadonlySet<string> = new Set(['pending', 'running']);

export async function isRunActive(runId: string): Promise<boolean> {
  return activeStatuses.has(await getRun(runId).status);
}

/**
 * The thread's run that is still going, if any. The workflow world, not our table, says whether
 * a run is active: a crash can never leave a stale "running" flag behind.
 */
export async function activeRunOfThread(db: AppDatabase, threadId: string): Promise<ChatRun | undefined> {
  const latest = await latestRunOfThread(db, threadId);
  return latest && (await isRunActive(latest.runId)) ? latest : undefined;
}
