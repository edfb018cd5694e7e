import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { chargeRun, type TurnUsage } from '@/lib/billing/charge-run';
import type { ChatTurn } from '@/lib/chat/turn';
import { alignStoredReply, storeStoppedReply } from '@/lib/chat/turn-memory';
import { stepLogger } from '@/lib/observability/step-log';
import { withRunCloseLease } from '@/lib/recovery/close-lease';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';
import { outcomeOf } from '@/lib/runs/run-ending';
import { endRunStream } from '../end-run-stream';
import type { RecordedReply } from './stream-agent-reply';

/**
 * Closes a turn whose reply step returned, in one step (each is a queue hop and three events):
 * memory takes the reply as it was streamed, under the id the stream announced (a stopped
 * reply with the steps the Stop cut short); the run is charged once; the stream gets its
 * terminal chunks and is closed. Each part is idempotent, so a re-run after a crash redoes
 * only what the crash cut short; a concurrent duplicate waits for the one closing the run.
 */
export async function finishTurn(turn: ChatTurn, reply: RecordedReply): Promise<TurnUsage> {
  'use step';
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { memory, db, config, progress } = await getAppContext();
  return withProgress(progress, runId, () =>
    withRunCloseLease({ db, config }, runId, async () => {
      if (reply.unfinished) await storeStoppedReply(memory, turn, reply.messageId, reply.unfinished);
      else await alignStoredReply(memory, turn, reply.messageId);
      const billed = await chargeRun(
        db,
        config,
        { runId, userId: turn.userId, threadId: turn.threadId },
        {
          kind: outcomeOf(reply.ending),
          attempt: reply.attempt,
          consumed: reply.consumed,
          carried: reply.carried,
        },
      );
      await endRunStream(reply.ending, billed, stepLogger(turn));
      return billed;
    }),
  );
}

finishTurn.maxRetries = stepRetries;
