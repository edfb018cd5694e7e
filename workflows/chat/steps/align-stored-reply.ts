import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import type { ChatTurn } from '@/lib/chat/turn';
import { alignStoredReply as align, storeStoppedReply } from '@/lib/chat/turn-memory';
import type { UnfinishedSteps } from '@/lib/chat/unfinished-steps';
import { withProgress } from '@/lib/recovery/progress';
import { stepRetries } from '@/lib/recovery/step-retries';

/**
 * Gives the stored reply the message id the stream announced (see alignStoredReply); a stopped
 * reply is stored as it was streamed, the steps the Stop cut short included (storeStoppedReply).
 */
export async function alignStoredReply(turn: ChatTurn, messageId: string, unfinished: UnfinishedSteps | undefined): Promise<void> {
  'use step';
  const { memory, db } = await getAppContext();
  await withProgress(db, getWorkflowMetadata().workflowRunId, () =>
    unfinished ? storeStoppedReply(memory, turn, messageId, unfinished) : align(memory, turn, messageId),
  );
}

alignStoredReply.maxRetries = stepRetries;
