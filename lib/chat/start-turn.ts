import { start } from 'workflow/api';
import { chatTurnWorkflow } from '../../workflows/chat';
import type { AppContext } from '../app-context';
import type { DoubleTextingPolicy } from '../config';
import { AppError } from '../errors';
import { runLogger } from '../observability/log';
import { activeRunsOfThread } from './active-run';
import { stopReply } from './cancel-watch';
import { claimMessageId } from './message-claims';
import { assertStreamKept } from './run-stream';
import { findRunOfMessage, recordRun } from './runs';
import { withThreadLock } from './thread-lock';
import { openThreadForTurn } from './threads';
import type { ChatTurn } from './turn';

/**
 * A message sent again (a retry after a lost response) attaches to the turn it already started.
 * Its id elsewhere is refused: memory upserts messages by id, so reusing it would move that
 * message, possibly another user's, into this thread.
 */
async function runOfResentMessage(db: AppContext['db'], turn: Omit<ChatTurn, 'waitsForRunId'>): Promise<string | undefined> {
  const earlier = await findRunOfMessage(db, turn.message.id);
  if (!earlier) return undefined;
  if (earlier.threadId !== turn.threadId || earlier.userId !== turn.userId) {
    throw new AppError('conflict:message_id', 'This message id is already used by another message');
  }
  assertStreamKept(earlier);
  return earlier.runId;
}

/**
 * Starts one durable assistant turn and returns its run id. The run outlives the request: the
 * caller only reads its stream. The user's limits (runs per window, runs answering at once) are
 * checked first; a turn over them changes nothing, not even the thread list. When the thread
 * is still answering, `policy` decides: reject (409 with the active run id, so the client can
 * attach to it), enqueue behind it, or stop it and go next. The check and the start happen
 * under the thread's lock, so two concurrent messages cannot both see an idle thread.
 */
export async function startChatTurn(
  context: Pick<AppContext, 'db' | 'memory' | 'runLimits'>,
  turn: Omit<ChatTurn, 'waitsForRunId'>,
  policy: DoubleTextingPolicy,
): Promise<string> {
  const { db, memory, runLimits } = context;
  // A resend of a message that already started a turn is that turn, not a new one: it costs no
  // rate-limit point.
  const resent = await runOfResentMessage(db, turn);
  if (resent) return resent;
  await claimMessageId(db, turn.message.id, turn.userId, turn.threadId);
  return runLimits.admit(turn.userId, async () => {
    await openThreadForTurn(memory, turn.threadId, turn.userId, turn.message);
    return withThreadLock(db, turn.threadId, async () => (await runOfResentMessage(db, turn)) ?? startUnderThreadLock(db, turn, policy));
  });
}

async function startUnderThreadLock(db: AppContext['db'], turn: Omit<ChatTurn, 'waitsForRunId'>, policy: DoubleTextingPolicy): Promise<string> {
  const active = await activeRunsOfThread(db, turn.threadId);
  const latest = active.at(-1);
  if (latest && policy === 'reject') {
    throw new AppError('conflict:active_run', 'This thread is still answering the previous message', {
      details: { activeRunId: active[0]?.runId },
    });
  }
  if (policy === 'interrupt') for (const run of active) await stopReply(db, run.runId);
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
}
