import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../app-context';
import { AppError } from '../errors';
import { getLogger } from '../observability/log';
import { activeRunsOfThread } from '../runs/active-run';
import { stopReply } from '../runs/cancel-watch';
import { deletedThreadOwner, markThreadDeleted } from '../threads/deleted-threads';
import { deleteVersionsOfThread } from './message-versions';
import { withThreadLock } from './thread-lock';
import { requireOwnThread } from './threads';

/** How long a delete waits for the thread's stopped runs to end (a Stop ends a run in well under a second). */
const runEndTimeoutMs = 60_000;
const pollMs = 100;

async function requireDeletable(context: Pick<AppContext, 'db' | 'memory'>, userId: string, threadId: string): Promise<void> {
  const deletedBy = await deletedThreadOwner(context.db, threadId);
  if (deletedBy === undefined) await requireOwnThread(context.memory, threadId, userId);
  else if (deletedBy !== userId) throw new AppError('not_found:thread', `Thread ${threadId} not found`);
}

/** Stops every run still answering or queued on the thread, then waits until the world says each ended. */
async function stopRunsAndWait(db: AppContext['db'], threadId: string): Promise<void> {
  const deadline = Date.now() + runEndTimeoutMs;
  for (;;) {
    const active = await activeRunsOfThread(db, threadId, { untilClosed: true });
    if (active.length === 0) return;
    for (const run of active) await stopReply(db, run.runId);
    if (Date.now() > deadline) {
      throw new AppError('unavailable:thread_busy', 'The thread is still ending its answer; delete it again shortly', { headers: { 'retry-after': '2' } });
    }
    await sleep(pollMs);
  }
}

/** Removes what the thread holds: memory (messages and the thread), earlier versions, notes, tool results, reply records. */
async function removeThreadData(context: Pick<AppContext, 'db' | 'memory'>, threadId: string): Promise<void> {
  const { db, memory } = context;
  await memory.deleteThread(threadId);
  await deleteVersionsOfThread(db, threadId);
  await db.deleteFrom('notes').where('thread_id', '=', threadId).execute();
  const runsOfThread = db.selectFrom('chat_runs').select('run_id').where('thread_id', '=', threadId);
  await db.deleteFrom('tool_calls').where('run_id', 'in', runsOfThread).execute();
  // The recorded reply carries a stopped answer's parts; the runs themselves stay for the ledger.
  await db.updateTable('chat_runs').set({ reply_outcome: null }).where('thread_id', '=', threadId).execute();
}

/**
 * Deletes a thread for its owner. The tombstone goes first, under the thread's lock, so no turn
 * starts on the thread afterwards and every API already answers 404; then the runs still going
 * are stopped and awaited, so none writes into memory after the data is removed; then the data
 * goes. Charges, attempts and the runs themselves stay: the ledger is the record. Idempotent:
 * deleting again (after a crash midway, say) finishes the job; anyone else gets 404.
 */
export async function deleteThread(context: Pick<AppContext, 'db' | 'memory'>, userId: string, threadId: string): Promise<void> {
  await requireDeletable(context, userId, threadId);
  await withThreadLock(context.db, threadId, () => markThreadDeleted(context.db, threadId, userId));
  await stopRunsAndWait(context.db, threadId);
  await removeThreadData(context, threadId);
  getLogger().info({ threadId, userId }, 'thread deleted');
}
