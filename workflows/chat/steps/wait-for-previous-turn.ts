import { setTimeout as sleep } from 'node:timers/promises';
import { isRunActive } from '@/lib/chat/world-run';

const pollMs = 200;

/**
 * Holds a queued turn until the thread's previous run has ended (finished, failed or stopped).
 * Polling inside one step keeps the event log short however long the wait; after a crash the
 * re-run simply polls again.
 */
export async function waitForPreviousTurn(runId: string): Promise<void> {
  'use step';
  while (await isRunActive(runId)) await sleep(pollMs);
}
