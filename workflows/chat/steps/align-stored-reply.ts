import { getAppContext } from '@/lib/app-context';
import type { ChatTurn } from '@/lib/chat/turn';
import { alignStoredReply as align, storeStoppedReply } from '@/lib/chat/turn-memory';
import type { UnfinishedSteps } from '@/lib/chat/unfinished-steps';

/**
 * Gives the stored reply the message id the stream announced (see alignStoredReply); a stopped
 * reply is stored as it was streamed, the steps the Stop cut short included (storeStoppedReply).
 */
export async function alignStoredReply(turn: ChatTurn, messageId: string, unfinished: UnfinishedSteps | undefined): Promise<void> {
  'use step';
  const { memory } = await getAppContext();
  if (unfinished) await storeStoppedReply(memory, turn, messageId, unfinished);
  else await align(memory, turn, messageId);
}
