import type { UIMessageChunk } from 'ai';
import { randomUUID } from 'node:crypto';
import { FatalError, getStepMetadata, getWorkflowMetadata, getWritable, RetryableError } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { recordCrashedAttempts } from '@/lib/billing/crashed-attempts';
import { failedAttemptCount, recordAttempt } from '@/lib/billing/ledger';
import { billingModelId } from '@/lib/billing/model-id';
import { ModelCallError, pipeAgentReply, type ReplyOutcome } from '@/lib/chat/agent-reply';
import { watchForCancel } from '@/lib/chat/cancel-watch';
import { replyMessageId, resetChunk } from '@/lib/chat/message-protocol';
import { recordedReply, recordReply } from '@/lib/chat/runs';
import type { ChatTurn } from '@/lib/chat/turn';
import { discardAbandonedReply } from '@/lib/chat/turn-memory';
import { acquireLease, breakLeaseNotHeldBy, keepLease, releaseLease } from '@/lib/db/leases';

/** Model calls per turn before a transient provider error fails the turn. */
const maxModelAttempts = 4;
const leaseMs = 10_000;
/**
 * Identifies this process in lease holders. The local world runs every step in the one server
 * process, so a reply lease held under another process id belongs to a process that died and is
 * broken at once instead of waiting for it to expire. (Several instances on one database would
 * need expiry alone.)
 */
const processId = randomUUID();
/** Longest a duplicate execution waits for the one holding the reply (a reply can take minutes). */
const leaseWaitMs = 10 * 60_000;

/**
 * Streams the agent's reply into the run's durable stream.
 *
 * - One execution at a time, and once: after a crash the world re-enqueues the step while the
 *   queue may also redeliver it, and two executions would interleave their chunks. A lease in
 *   the database admits one at a time (a crashed process's lease is broken); the result is
 *   recorded, and an execution that gets the lease after it returns the recorded result.
 * - One writer for the whole call (several writers in one step can reorder chunks).
 * - Transient model errors are retried up to `maxModelAttempts` calls, counted in the ledger,
 *   so crashes and duplicate deliveries (which also bump the step's attempt number) never use
 *   up the budget; an error that cannot succeed on retry fails the step at once.
 * - A Stop recorded for the run aborts the model call and the reply ends as `aborted`.
 * - What an earlier attempt stored in memory is removed first, so the thread ends up as one
 *   clean turn; attempts that died with their process are recorded for the cost ledger.
 */
export async function streamAgentReply(turn: ChatTurn): Promise<ReplyOutcome & { attempt: number }> {
  'use step';
  const { attempt } = getStepMetadata();
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { mastra, db, memory, config } = await getAppContext();
  const leaseKey = `reply:${runId}`;
  const holder = `${processId}:${randomUUID()}`;
  await breakLeaseNotHeldBy(db, leaseKey, `${processId}:`);
  if (!(await acquireLease(db, leaseKey, holder, leaseMs, leaseWaitMs))) {
    throw new RetryableError('Another execution of this reply is still running', { retryAfter: leaseMs });
  }
  const stopRenewing = keepLease(db, leaseKey, holder, leaseMs);
  const recorded = await recordedReply<ReplyOutcome & { attempt: number }>(db, runId);
  if (recorded) {
    stopRenewing();
    await releaseLease(db, leaseKey, holder);
    return recorded;
  }
  const modelId = billingModelId(config.model);
  const stop = new AbortController();
  const stopWatching = watchForCancel(db, runId, stop);
  try {
    await discardAbandonedReply(memory, turn);
    await recordCrashedAttempts(db, runId, attempt, modelId);
    const writer = getWritable<UIMessageChunk>().getWriter();
    try {
      // An earlier attempt's chunks are already in the stream: mark where this one starts over.
      if (attempt > 1) await writer.write(resetChunk(attempt));
      const outcome = await pipeAgentReply({
        mastra,
        turn,
        attempt,
        abortSignal: stop.signal,
        messageId: replyMessageId(runId),
        write: (chunk) => writer.write(chunk),
      });
      const result = { ...outcome, attempt };
      await recordReply(db, runId, result);
      return result;
    } finally {
      writer.releaseLock();
    }
  } catch (error) {
    if (!(error instanceof ModelCallError)) throw error;
    // The failed attempt still cost something at the provider: keep it for reconciliation.
    const { usage, source } = error.consumed;
    await recordAttempt(db, { runId, attempt, modelId, usage, source, outcome: 'failed' });
    if (!error.retryable || (await failedAttemptCount(db, runId)) >= maxModelAttempts) throw new FatalError(error.message);
    throw error;
  } finally {
    stopWatching();
    stopRenewing();
    await releaseLease(db, leaseKey, holder);
  }
}

// Crash re-runs and duplicate deliveries count as attempts too; the model's own retry budget
// is enforced above.
streamAgentReply.maxRetries = 20;
