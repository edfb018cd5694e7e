import { start } from 'workflow/api';
import { chatTurnWorkflow } from '../../workflows/chat';
import type { AppContext } from '../app-context';
import type { DoubleTextingPolicy } from '../config';
import { AppError } from '../errors';
import { runLogger } from '../observability/log';
import { activeRunsOfThread } from './active-run';
import { recordRun, requestCancel } from './runs';
import { withThreadLock } from './thread-lock';
import { openThreadForTurn } from './threads';
import type { ChatTurn } from './turn';

/**
 * Starts one durable assistant turn and returns its run id. The run outlives the request: the
 * caller only reads its stream. When the thread is still answering, `policy` decides: reject
 * (409 with the active run id, so the client can attach to it), enqueue behind it, or stop it
 * and go next. The check and the start happen under the thread's lock, so two concurrent
 * messages cannot both see an idle thread.
 */
export async function startChatTurn(
  context: Pick<AppContext, 'db' | 'memory'>,
  turn: Omit<ChatTurn, 'waitsForRunId'>,
  policy: DoubleTextingPolicy,
): Promise<string> {
  const { db, memory } = context;
  await openThreadForTurn(memory, turn.threadId, turn.userId, turn.message);
  return withThreadLock(db, turn.threadId, async () => {
    const active = await activeRunsOfThread(db, turn.threadId);
    const latest = active.at(-1);
    if (latest && policy === 'reject') {
      throw new AppError('conflict:active_run', 'This thread is still answering the previous message', {
        details: { activeRunId: active[0]?.runId },
      });
    }
    if (policy === 'interrupt') for (const run of active) await requestCancel(db, run.runId);
    const waitsForRunId = latest?.runId ?? null;
    const run = await start(chatTurnWorkflow, [{ ...turn, waitsForRunId }]);
    await recordRun(db, {
      runId: run.runId,
      threadId: turn.threadId,
      userId: turn.userId,
      userMessageId: turn.message.id,
      createdAt: new Date().toISOString(),
      waitsForRunId,
    });
    runLogger({ runId: run.runId, threadId: turn.threadId, userId: turn.userId }).info({ policy, waitsForRunId }, 'turn started');
    return run.runId;
  });
}
