import type { AppDatabase } from '../db/database';
import { getLogger } from '../observability/log';
import { isCancelRequested, requestCancel } from './run-table';

export const cancelPollMs = 200;

const stopReason = () => new DOMException('Stopped by the user', 'AbortError');

// Route handlers and workflow steps are separate bundles in one process: the registry of
// replies streaming here lives on globalThis so a Stop handled by a route can reach the step.
const registryKey = Symbol.for('durable-chat.replies-streaming-here');
type RegistryHolder = { [registryKey]?: Map<string, AbortController> };

function repliesStreamingHere(): Map<string, AbortController> {
  const holder = globalThis as RegistryHolder;
  holder[registryKey] ??= new Map();
  return holder[registryKey];
}

/**
 * Aborts `controller` once a Stop is recorded for the run. The flag lives in the database, not in
 * process memory, so a Stop reaches the step whichever process or instance runs it; a Stop that
 * lands on the process running the step (`stopReply`) aborts at once.
 */
export function watchForCancel(db: AppDatabase, runId: string, controller: AbortController, intervalMs = cancelPollMs): () => void {
  const replies = repliesStreamingHere();
  replies.set(runId, controller);
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    try {
      if (await isCancelRequested(db, runId)) controller.abort(stopReason());
    } catch (error) {
      getLogger().error({ runId, err: error }, 'could not read the cancel flag');
    } finally {
      checking = false;
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    if (replies.get(runId) === controller) replies.delete(runId);
  };
}

/**
 * Stops the run's reply: records the Stop (which the step polls, on whichever instance it runs)
 * and aborts the reply at once if it is streaming in this process.
 */
export async function stopReply(db: AppDatabase, runId: string): Promise<void> {
  await requestCancel(db, runId);
  repliesStreamingHere().get(runId)?.abort(stopReason());
}
