import { setTimeout as sleep } from 'node:timers/promises';
import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';
import { isRunActive } from '@/lib/runs/world-run';

const pollMs = 200;

/**
 * Holds a queued turn until the thread's previous run has ended (finished, failed or stopped).
 * Polling inside one step keeps the event log short however long the wait; after a crash the
 * re-run simply polls again.
 */
export async function waitForPreviousTurn(runId: string): Promise<void> {
  'use step';
  const { progress } = await getAppContext();
  await withProgress(progress, getWorkflowMetadata().workflowRunId, async () => {
    while (await isRunActive(runId)) await sleep(pollMs);
  });
}

waitForPreviousTurn.maxRetries = stepRetries;
