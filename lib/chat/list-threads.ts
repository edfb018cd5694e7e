import type { AppContext } from '../app-context';
import { activeRunsOfThread } from '../runs/active-run';
import { deletedAmong } from '../threads/deleted-threads';

export interface ThreadSummary {
  id: string;
  title: string | undefined;
  updatedAt: string;
  /** Whether a run is answering (or queued) on this thread right now. */
  active: boolean;
}

const pageSize = 50;

/** The user's threads, most recently active first. */
export async function listThreads(context: Pick<AppContext, 'db' | 'memory'>, userId: string): Promise<ThreadSummary[]> {
  const { threads } = await context.memory.listThreads({
    filter: { resourceId: userId },
    orderBy: { field: 'updatedAt', direction: 'DESC' },
    perPage: pageSize,
  });
  // A thread being deleted is gone from the list at once, while its runs are still being stopped.
  const deleted = await deletedAmong(
    context.db,
    threads.map((thread) => thread.id),
  );
  return Promise.all(
    threads
      .filter((thread) => !deleted.has(thread.id))
      .map(async (thread) => ({
        id: thread.id,
        title: thread.title,
        updatedAt: new Date(thread.updatedAt).toISOString(),
        active: (await activeRunsOfThread(context.db, thread.id)).length > 0,
      })),
  );
}
