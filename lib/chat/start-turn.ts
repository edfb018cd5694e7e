import type { AppContext } from '../app-context';
import type { DoubleTextingPolicy } from '../config';
import { AppError } from '../errors';
import { runLogger } from '../observability/log';
import { activeRunsOfThread } from '../runs/active-run';
import { stopReply } from '../runs/cancel-watch';
import { assertStreamKept } from '../runs/run-stream';
import { findRun } from '../runs/run-table';
import { refuseDeletedThread } from '../threads/deleted-threads';
import { claimMessageId } from './message-claims';
import { withThreadLock } from './thread-lock';
import { openThreadForTurn } from './threads';
import type { ChatTurn } from './turn';
import { planTurn, type TurnPlan, type TurnTrigger } from './turn-plan';
import { recordTurnRun } from './turn-run';

type TurnRequest = Pick<ChatTurn, 'threadId' | 'userId' | 'message'>;

const newMessage: TurnTrigger = { trigger: 'submit-message' };

/**
 * Starts the durable run that answers `turn` and gives its run id. The caller passes it in
 * (workflows/chat/start.ts): lib/ sits below the workflows and starts none itself.
 */
export type StartTurnRun = (turn: ChatTurn) => Promise<string>;

/** The turn a resent request already started; 410 once its stream was pruned (its answer is in the thread). */
async function attachTo(db: AppContext['db'], runId: string): Promise<string> {
  const run = await findRun(db, runId);
  if (run) assertStreamKept(run);
  return runId;
}

/**
 * Starts one durable assistant turn and returns its run id. The run outlives the request: the
 * caller only reads its stream. A request that already started a turn (a resend after a lost
 * response) gets that turn back (see planTurn), without costing a rate-limit point. The user's
 * limits (runs per window, runs answering at once) are checked first; a turn over them changes
 * nothing, not even the thread list. When the thread is still answering, `policy` decides:
 * reject (409 with the active run id, so the client can attach to it), enqueue behind it, or
 * stop it and go next; regenerates and edits follow it too. The plan, the check and the start
 * happen under the thread's lock, so two concurrent requests cannot both see an idle thread;
 * `startRun` starts the run itself.
 */
export async function startChatTurn(
  context: Pick<AppContext, 'db' | 'memory' | 'runLimits'>,
  startRun: StartTurnRun,
  turn: TurnRequest,
  policy: DoubleTextingPolicy,
  trigger: TurnTrigger = newMessage,
): Promise<string> {
  const { db, memory, runLimits } = context;
  await refuseDeletedThread(db, turn.threadId);
  await claimMessageId(db, turn.message.id, turn.userId, turn.threadId);
  const early = await planTurn(context, turn, trigger);
  if (early.kind === 'attach') return attachTo(db, early.runId);
  return runLimits.admit(turn.userId, async () =>
    withThreadLock(db, turn.threadId, async () => {
      // A delete that took the lock first wins: no turn starts on (or recreates) a deleted thread.
      await refuseDeletedThread(db, turn.threadId);
      await openThreadForTurn(memory, turn.threadId, turn.userId, turn.message);
      const plan = await planTurn(context, turn, trigger);
      return plan.kind === 'attach' ? attachTo(db, plan.runId) : startUnderThreadLock(db, startRun, turn, plan, policy);
    }),
  );
}

async function startUnderThreadLock(db: AppContext['db'], startRun: StartTurnRun, request: TurnRequest, plan: Extract<TurnPlan, { kind: 'start' }>, policy: DoubleTextingPolicy): Promise<string> {
  const active = await activeRunsOfThread(db, request.threadId);
  const latest = active.at(-1);
  if (latest && policy === 'reject') {
    throw new AppError('conflict:active_run', 'This thread is still answering the previous message', {
      details: { activeRunId: active[0]?.runId },
    });
  }
  if (policy === 'interrupt') for (const run of active) await stopReply(db, run.runId);
  const waitsForRunId = latest?.runId ?? null;
  const turn: ChatTurn = { ...request, message: plan.message, waitsForRunId, ...(plan.replaces ? { replaces: plan.replaces } : {}) };
  const runId = await startRun(turn);
  // A crash before this record leaves a run its first step sorts out (see confirmTurnRun).
  await recordTurnRun(db, turn, runId, plan.digest);
  runLogger({ runId, threadId: turn.threadId, userId: turn.userId }).info({ policy, waitsForRunId, replaces: plan.replaces }, 'turn started');
  return runId;
}
