import { start } from 'workflow/api';
import { chatTurnWorkflow } from '../../workflows/chat';
import type { AppContext } from '../app-context';
import { AppError } from '../errors';
import { activeRunOfThread } from './active-run';
import { recordRun } from './runs';
import { openThreadForTurn, saveUserMessage } from './threads';
import type { ChatTurn } from './turn';

/**
 * Starts one durable assistant turn and returns its run id. The run outlives the request: the
 * caller only reads its stream. A thread takes one turn at a time; a second message while one
 * is running is rejected with the active run id so the client can attach to it.
 */
export async function startChatTurn(context: Pick<AppContext, 'db' | 'memory'>, turn: ChatTurn): Promise<string> {
  const { db, memory } = context;
  await openThreadForTurn(memory, turn.threadId, turn.userId, turn.message);
  const active = await activeRunOfThread(db, turn.threadId);
  if (active) {
    throw new AppError('conflict:active_run', 'This thread is still answering the previous message', {
      details: { activeRunId: active.runId },
    });
  }
  await saveUserMessage(memory, turn.threadId, turn.userId, turn.message);
  const run = await start(chatTurnWorkflow, [turn]);
  await recordRun(db, {
    runId: run.runId,
    threadId: turn.threadId,
    userId: turn.userId,
    userMessageId: turn.message.id,
    createdAt: new Date().toISOString(),
  });
  return run.runId;
}
