import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import type { ChatTurn } from '@/lib/chat/turn';
import { alignStoredReply as align } from '@/lib/chat/turn-memory';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';

/** Gives the stored reply the message id the stream announced (see alignStoredReply). */
export async function alignStoredReply(turn: ChatTurn, messageId: string): Promise<void> {
  'use step';
  const { memory, db } = await getAppContext();
  await withProgress(db, getWorkflowMetadata().workflowRunId, () => align(memory, turn, messageId));
}

alignStoredReply.maxRetries = stepRetries;
