import { APICallError } from '@ai-sdk/provider';
import { handleChatStream } from '@mastra/ai-sdk';
import type { Mastra } from '@mastra/core/mastra';
import type { FinishReason, UIMessageChunk } from 'ai';
import { chatAgentId, turnRequestContext } from '../../mastra/agents/chat-agent';
import { type TokenUsage, usageFromMastra } from '../billing/usage';
import { type MeteredUsage, UsageMeter } from '../billing/usage-meter';
import type { StreamEnding } from '../runs/run-ending';
import { withAttemptPartIds } from '../stream/message-protocol';
import type { ChatTurn } from './turn';
import { UnfinishedStepRecorder, type UnfinishedSteps } from './unfinished-steps';

/** The model call failed; `retryable` says whether another attempt could succeed. */
export class ModelCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** What the failed attempt consumed at the provider before failing. */
    readonly consumed: MeteredUsage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelCallError';
  }
}

/** How the reply step ended (a failure is thrown instead, so the step can be retried). */
export interface ReplyOutcome {
  ending: Exclude<StreamEnding, { kind: 'failed' }>;
  /** The assistant message id the stream announced in its `start` chunk. */
  messageId: string;
  /** What this attempt consumed; for a stopped reply, including the step cut short. */
  consumed: MeteredUsage;
  /** A stopped reply: the steps it kept and what it streamed after them, to be stored as shown. */
  unfinished?: UnfinishedSteps;
}

/** Usage a provider attached to its error (the simulated model does), if any. */
function reportedUsage(error: unknown): TokenUsage | undefined {
  if (!APICallError.isInstance(error)) return undefined;
  const data = error.data as { usage?: Parameters<typeof usageFromMastra>[0] } | undefined;
  return data?.usage ? usageFromMastra(data.usage) : undefined;
}

function isRetryable(error: unknown): boolean {
  if (APICallError.isInstance(error)) return error.isRetryable;
  return true;
}

type ToolOutputChunk = Extract<UIMessageChunk, { type: 'tool-output-available' | 'tool-output-error' | 'tool-output-denied' }>;

function isToolOutput(chunk: UIMessageChunk): chunk is ToolOutputChunk {
  return chunk.type === 'tool-output-available' || chunk.type === 'tool-output-error' || chunk.type === 'tool-output-denied';
}

/**
 * Runs the agent for one turn and hands every UI chunk to `write`, except `finish`: the stream's
 * one terminal chunk is written by the closing step, so a step that is retried after writing it
 * cannot leave a `finish` in the middle of the stream.
 *
 * `abort` is held back the same way: a Stop ends the reply as `aborted` and the closing step
 * writes `abort` then `finish`.
 *
 * An `error` chunk is never forwarded: it becomes a thrown ModelCallError, so the durable step
 * can retry (or fail) instead of showing the client an error for an attempt that will be redone.
 */
export async function pipeAgentReply(options: {
  mastra: Mastra;
  turn: ChatTurn;
  runId: string;
  attempt: number;
  write: (chunk: UIMessageChunk) => Promise<void>;
  /** Aborts the model call (a Stop); the reply then ends as `aborted`, not as an error. */
  abortSignal?: AbortSignal;
  /**
   * The id every attempt announces for the reply. Mastra picks a fresh id per attempt; a client
   * that saw two ids would show two messages, so the `start` chunk carries this one instead.
   */
  messageId: string;
  /** Steps of this turn kept from earlier attempts: the first step this call runs has this index. */
  firstStepIndex: number;
  /** Called as each LLM step finishes, with its index in the turn and its usage. */
  onStepFinished: (stepIndex: number, usage: TokenUsage) => Promise<void>;
}): Promise<ReplyOutcome> {
  const { mastra, turn, runId, attempt, write, abortSignal, messageId, firstStepIndex, onStepFinished } = options;
  let stepIndex = firstStepIndex;
  const meter = new UsageMeter();
  const unfinished = new UnfinishedStepRecorder(firstStepIndex);
  const aborted = async (): Promise<ReplyOutcome> => ({
    ending: { kind: 'aborted', reason: 'Stopped by the user' },
    messageId,
    consumed: meter.stopped(),
    unfinished: await unfinished.unfinished(),
  });
  let providerError: unknown;
  const stream = await handleChatStream({
    mastra,
    agentId: chatAgentId,
    version: 'v6',
    params: {
      messages: [turn.message],
      memory: { thread: turn.threadId, resource: turn.userId },
      // Each finished LLM step is stored as it completes: a crash mid-turn loses at most the
      // step in flight, never the ones before it.
      savePerStep: true,
      requestContext: turnRequestContext({ attempt, runId, promptSent: (inputTokens) => meter.promptSent(inputTokens) }),
      abortSignal,
      onStepFinish: async (step) => {
        // Mastra also reports (and stores) a step that failed; it is not a completed step.
        if (step.finishReason === 'error') return;
        const usage = usageFromMastra(step.usage);
        meter.stepFinished(usage);
        unfinished.stepFinished();
        await onStepFinished(stepIndex++, usage);
      },
    },
    onError: (error) => {
      providerError = error;
      return error instanceof Error ? error.message : 'The model call failed';
    },
  });
  let finishReason: FinishReason | undefined;
  let abortSeen = false;
  const answeredToolCalls = new Set<string>();
  try {
    // After a Stop the agent still delivers what it produced before noticing, then `abort`;
    // those chunks are forwarded, and the stopped reply is stored from what was forwarded. The
    // stream is read to its end, so the agent's own saves are done before the reply is stored.
    for await (const chunk of stream) {
      if (abortSeen) continue;
      if (chunk.type === 'abort') {
        abortSeen = true;
        continue;
      }
      if (chunk.type === 'error') {
        const consumed = meter.failed(reportedUsage(providerError));
        throw new ModelCallError(chunk.errorText, isRetryable(providerError), consumed, { cause: providerError });
      }
      // A Stop that lands just after a tool step finished makes Mastra emit that step's tool
      // result once more; a second output for one call is not a valid UI stream.
      if (isToolOutput(chunk)) {
        if (answeredToolCalls.has(chunk.toolCallId)) continue;
        answeredToolCalls.add(chunk.toolCallId);
      }
      meter.observe(chunk);
      if (chunk.type === 'finish') {
        finishReason = chunk.finishReason;
        continue;
      }
      unfinished.observe(chunk);
      await write(chunk.type === 'start' ? { ...chunk, messageId } : withAttemptPartIds(chunk, attempt));
    }
  } catch (error) {
    if (abortSignal?.aborted) return aborted();
    throw error;
  }
  return abortSeen || abortSignal?.aborted ? aborted() : { ending: { kind: 'finished', finishReason }, messageId, consumed: meter.completed() };
}
