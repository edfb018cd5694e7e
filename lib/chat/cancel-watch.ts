import type { AppDatabase } from '../db/database';
import { getLogger } from '../observability/log';
import { isCancelRequested } from './runs';

export const cancelPollMs = 200;

/**
 * Aborts `controller` once a Stop is recorded for the run. The flag lives in the database, not in
 * process memory, so a Stop reaches the step whichever process or instance runs it.
 */
export function watchForCancel(db: AppDatabase, runId: string, controller: AbortController, intervalMs = cancelPollMs): () => void {
  let checking = false;
  const timer = setInterval(async () => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    try {
      if (await isCancelRequested(db, runId)) controller.abort(new DOMException('Stopped by the user', 'AbortError'));
    } catch (error) {
      getLogger().error({ runId, err: error }, 'could not read the cancel flag');
    } finally {
      checking = false;
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
