import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { chargeRun } from '@/lib/billing/charge-run';
import type { ChatTurn } from '@/lib/chat/turn';
import { stepLogger } from '@/lib/observability/step-log';
import { withRunCloseLease } from '@/lib/recovery/close-lease';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';
import { endRunStream } from '../end-run-stream';

/**
 * Closes a turn that failed for good: its charge is settled as failed (nothing charged; what
 * its attempts consumed stays in the cost ledger) and its stream ends with `error` and `finish`.
 */
export async function failTurn(turn: ChatTurn, errorText: string): Promise<void> {
  'use step';
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { db, config, progress } = await getAppContext();
  await withProgress(progress, runId, () =>
    withRunCloseLease({ db, config }, runId, async () => {
      await chargeRun(db, config, { runId, userId: turn.userId, threadId: turn.threadId }, { kind: 'failed' });
      await endRunStream({ kind: 'failed', errorText }, undefined, stepLogger(turn));
    }),
  );
}

failTurn.maxRetries = stepRetries;
