import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { type ChatRun, recentRunsOfThread } from './runs';

export const activeStatuses: ReadonlySet<string> = new Set(['pending', 'running']);

export async function isRunActive(runId: string): Promise<boolean> {
  return activeStatuses.has(await getRun(runId).status);
}

/**
 * The thread's runs that are still going, oldest first: the one answering, then any queued
 * behind it. The workflow world, not our table, says whether a run is active, so a crash can
 * never leave a stale "running" flag behind.
 */
export async function activeRunsOfThread(db: AppDatabase, threadId: string): Promise<ChatRun[]> {
  const recent = await recentRunsOfThread(db, threadId);
  const active: ChatRun[] = [];
  for (const run of recent) {
    if (!(await isRunActive(run.runId))) break;
    active.unshift(run);
  }
  return active;
}
