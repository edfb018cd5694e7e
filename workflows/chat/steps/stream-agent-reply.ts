import type { UIMessageChunk } from 'ai';
import { FatalError, getStepMetadata, getWorkflowMetadata, getWritable } from 'workflow';
import { type AppContext, getAppContext } from '@/lib/app-context';
import { recordCrashedAttempts } from '@/lib/billing/crashed-attempts';
import { failedAttemptCount, recordAttempt } from '@/lib/billing/ledger';
import { billingModelId } from '@/lib/billing/model-id';
import { recordStepUsage } from '@/lib/billing/step-usage';
import { noUsage, type TokenUsage } from '@/lib/billing/usage';
import { ModelCallError, pipeAgentReply, type ReplyOutcome } from '@/lib/chat/agent-reply';
import { prepareContinuation } from '@/lib/chat/continuation';
import { saveUserMessage } from '@/lib/chat/threads';
import type { ChatTurn } from '@/lib/chat/turn';
import { confirmTurnRun } from '@/lib/chat/turn-run';
import { getMetrics } from '@/lib/observability/metrics';
import { ReplyTelemetry } from '@/lib/observability/reply-telemetry';
import { stepLogger } from '@/lib/observability/step-log';
import { replyOnce } from '@/lib/recovery/reply-once';
import { stepRetries } from '@/lib/recovery/step-retries';
import { watchForCancel } from '@/lib/runs/cancel-watch';
import { coalesceWindowMs, DeltaCoalescer } from '@/lib/stream/delta-coalescer';
import { replyMessageId, resetChunk } from '@/lib/stream/message-protocol';
import { replayStepChunks } from '@/lib/stream/replay-steps';

/** Model calls per turn before a transient provider error fails the turn. */
const maxModelAttempts = 4;

/** The reply step's result, recorded so a duplicate execution can return it. */
export type RecordedReply = ReplyOutcome & { attempt: number; carried: TokenUsage };

/**
 * Stores the user message, then streams the agent's reply into the run's durable stream.
 *
 * - Only the turn's run answers: one a resent request's run superseded (see confirmTurnRun)
 *   ends its stream and answers nothing.
 * - One execution at a time, and once (replyOnce): after a crash the world re-enqueues the step
 *   while the queue may also redeliver it; an execution that finds the reply recorded returns it.
 * - One writer for the whole call (several writers in one step can reorder chunks).
 * - Transient model errors are retried up to `maxModelAttempts` calls, counted in the ledger,
 *   so crashes and duplicate deliveries (which also bump the step's attempt number) never use
 *   up the budget; an error that cannot succeed on retry fails the step at once.
 * - A Stop recorded for the run aborts the model call and the reply ends as `aborted`.
 * - A retried or crash-recovered attempt continues after the LLM steps earlier attempts
 *   completed (tool calls included, never run again): they are replayed to the stream from
 *   memory after the reset marker, and only the step that was cut short is generated again.
 *   Attempts that died with their process are recorded for the cost ledger.
 */
export async function streamAgentReply(turn: ChatTurn): Promise<RecordedReply | 'superseded'> {
  'use step';
  const { attempt } = getStepMetadata();
  const { workflowRunId: runId } = getWorkflowMetadata();
  const context = await getAppContext();
  // Also while waiting for the lease: the execution holding it beats too, either is a live process.
  const stopProgress = context.progress.keep(runId);
  try {
    if ((await confirmTurnRun(context.db, turn, runId)) === 'superseded') {
      await getWritable().close();
      return 'superseded';
    }
    return await replyOnce(context, runId, () => reply(context, turn, runId, attempt));
  } finally {
    stopProgress();
  }
}

async function reply(context: AppContext, turn: ChatTurn, runId: string, attempt: number): Promise<RecordedReply> {
  const { mastra, db, memory, config, progress } = context;
  // Stored when the turn begins (after any turn it queued behind), so the thread keeps the order
  // messages were answered in; an upsert by id, so re-runs never duplicate it.
  await saveUserMessage(memory, turn.threadId, turn.userId, turn.message);
  const modelId = billingModelId(config.model);
  const stop = new AbortController();
  const stopWatching = watchForCancel(db, runId, stop);
  const log = stepLogger(turn);
  const telemetry = new ReplyTelemetry(log, getMetrics(), attempt);
  try {
    await recordCrashedAttempts(db, runId, attempt, modelId);
    const continuation = await prepareContinuation(db, memory, turn, runId, attempt);
    const writer = getWritable<UIMessageChunk>().getWriter();
    const coalescer = new DeltaCoalescer(
      (chunk) => writer.write(chunk),
      () => coalesceWindowMs(config.streamCoalesceMs, progress.runs()),
    );
    try {
      // An earlier attempt's chunks are already in the stream: mark where this one starts over,
      // and give back the steps it completed, which the model is not asked for again.
      if (attempt > 1) await writer.write(resetChunk(attempt));
      for (const chunk of replayStepChunks(continuation.parts, attempt)) await writer.write(chunk);
      const messageId = replyMessageId(runId);
      const outcome: ReplyOutcome = continuation.complete
        ? { ending: { kind: 'finished', finishReason: 'stop' }, messageId, consumed: { usage: noUsage, source: 'provider' } }
        : await pipeAgentReply({
            mastra,
            turn,
            runId,
            attempt,
            abortSignal: stop.signal,
            messageId,
            firstStepIndex: continuation.steps,
            onStepFinished: (stepIndex, usage) => recordStepUsage(db, { runId, stepIndex, attempt, usage }),
            write: (chunk) => {
              telemetry.chunk(chunk);
              return coalescer.push(chunk);
            },
          });
      // Everything this attempt streamed is written before replyOnce records its result as final.
      await coalescer.flush();
      telemetry.replied(outcome.ending.kind, outcome.consumed.usage);
      return { ...outcome, attempt, carried: continuation.carried };
    } finally {
      await coalescer.flush();
      writer.releaseLock();
    }
  } catch (error) {
    if (!(error instanceof ModelCallError)) {
      log.error({ err: error }, 'reply step error');
      throw error;
    }
    // The failed attempt still cost something at the provider: keep it for reconciliation.
    const { usage, source } = error.consumed;
    await recordAttempt(db, { runId, attempt, modelId, usage, source, outcome: 'failed' });
    const retrying = error.retryable && (await failedAttemptCount(db, runId)) < maxModelAttempts;
    telemetry.failed(error, usage, retrying);
    if (!retrying) throw new FatalError(error.message);
    throw error;
  } finally {
    telemetry.end();
    stopWatching();
  }
}

// The model's own retry budget is enforced above, from the ledger.
streamAgentReply.maxRetries = stepRetries;
