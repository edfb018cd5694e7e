import type { UIMessageChunk } from 'ai';
import { FatalError, getStepMetadata, getWorkflowMetadata, getWritable } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { recordCrashedAttempts } from '@/lib/billing/crashed-attempts';
import { recordAttempt } from '@/lib/billing/ledger';
import { billingModelId } from '@/lib/billing/model-id';
import { ModelCallError, pipeAgentReply, type ReplyOutcome } from '@/lib/chat/agent-reply';
import { watchForCancel } from '@/lib/chat/cancel-watch';
import { replyMessageId, resetChunk } from '@/lib/chat/message-protocol';
import type { ChatTurn } from '@/lib/chat/turn';
import { discardAbandonedReply } from '@/lib/chat/turn-memory';

/**
 * Streams the agent's reply into the run's durable stream. The step's only writer is held for
 * the whole call (several writers in one step can reorder chunks). Retried on transient model
 * errors; a provider error that cannot succeed on retry fails the step at once. A Stop recorded
 * for the run aborts the model call, and the reply ends as `aborted`. Whatever an earlier attempt
 * stored in memory is removed first, so the thread ends up as one clean turn. Every attempt that
 * fails records what it consumed; attempts that died with their process are recorded by the next.
 */
export async function streamAgentReply(turn: ChatTurn): Promise<ReplyOutcome & { attempt: number }> {
  'use step';
  const { attempt } = getStepMetadata();
  const { workflowRunId } = getWorkflowMetadata();
  const { mastra, db, memory, config } = await getAppContext();
  const modelId = billingModelId(config.model);
  await discardAbandonedReply(memory, turn);
  await recordCrashedAttempts(db, workflowRunId, attempt, modelId);
  const stop = new AbortController();
  const stopWatching = watchForCancel(db, workflowRunId, stop);
  const writer = getWritable<UIMessageChunk>().getWriter();
  try {
    // An earlier attempt's chunks are already in the stream: mark where this attempt starts over.
    if (attempt > 1) await writer.write(resetChunk(attempt));
    const outcome = await pipeAgentReply({
      mastra,
      turn,
      attempt,
      abortSignal: stop.signal,
      messageId: replyMessageId(workflowRunId),
      write: (chunk) => writer.write(chunk),
    });
    return { ...outcome, attempt };
  } catch (error) {
    if (!(error instanceof ModelCallError)) throw error;
    // The failed attempt still cost something at the provider: keep it for reconciliation.
    const { usage, source } = error.consumed;
    await recordAttempt(db, { runId: workflowRunId, attempt, modelId, usage, source, outcome: 'failed' });
    throw error.retryable ? error : new FatalError(error.message);
  } finally {
    stopWatching();
    writer.releaseLock();
  }
}
