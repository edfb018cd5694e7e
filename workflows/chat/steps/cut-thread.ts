import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { cutThreadAfterMessage } from '@/lib/chat/thread-cut';
import type { ChatTurn } from '@/lib/chat/turn';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';

/**
 * A regenerate or an edit: memory ends at the turn's user message before it is answered again;
 * a regenerated answer is kept as an earlier version (see cutThreadAfterMessage).
 */
export async function cutThread(turn: ChatTurn): Promise<void> {
  'use step';
  const { db, memory, progress } = await getAppContext();
  await withProgress(progress, getWorkflowMetadata().workflowRunId, () => cutThreadAfterMessage(db, memory, turn));
}

cutThread.maxRetries = stepRetries;
