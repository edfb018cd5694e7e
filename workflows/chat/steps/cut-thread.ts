import { getWorkflowMetadata, getWritable } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { cutThreadAfterMessage } from '@/lib/chat/thread-cut';
import type { ChatTurn } from '@/lib/chat/turn';
import { confirmTurnRun } from '@/lib/chat/turn-run';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';

/**
 * A regenerate or an edit: memory ends at the turn's user message before it is answered again;
 * a regenerated answer is kept as an earlier version (see cutThreadAfterMessage). A run another
 * run of the same request superseded (see confirmTurnRun) cuts nothing and ends its stream.
 */
export async function cutThread(turn: ChatTurn): Promise<'cut' | 'superseded'> {
  'use step';
  const { db, memory, progress } = await getAppContext();
  const { workflowRunId: runId } = getWorkflowMetadata();
  return withProgress(progress, runId, async () => {
    if ((await confirmTurnRun(db, turn, runId)) === 'superseded') {
      await getWritable().close();
      return 'superseded';
    }
    await cutThreadAfterMessage(db, memory, turn);
    return 'cut';
  });
}

cutThread.maxRetries = stepRetries;
