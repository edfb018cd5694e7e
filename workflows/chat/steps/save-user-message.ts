import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { saveUserMessage as persistUserMessage } from '@/lib/chat/threads';
import type { ChatTurn } from '@/lib/chat/turn';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';

/**
 * Stores the turn's user message when the turn begins (after any turn it queued behind), so the
 * thread keeps the order messages were answered in. An upsert by id: re-runs never duplicate it.
 */
export async function saveUserMessage(turn: ChatTurn): Promise<void> {
  'use step';
  const { memory, db } = await getAppContext();
  await withProgress(db, getWorkflowMetadata().workflowRunId, () => persistUserMessage(memory, turn.threadId, turn.userId, turn.message));
}

saveUserMessage.maxRetries = stepRetries;
