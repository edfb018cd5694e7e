import type { UIMessage, UIMessageChunk } from 'ai';
import { z } from 'zod';
import type { TokenUsage } from '../billing/usage';

/**
 * The app's one message type. Besides the AI SDK's parts it carries one custom data part:
 *
 * `data-reset` marks where a retried or crash-recovered attempt starts over. Durable steps are
 * at-least-once: an interrupted attempt's chunks stay in the run's stream, and the next attempt
 * writes the reply again after them. Everything the message held before the marker belongs to
 * the abandoned attempt and is not part of the answer. It is an ordinary `data-*` chunk, so the
 * stream stays a valid AI SDK UI stream for plain readers; `normalizeMessage` applies it, and the
 * replay of a finished run leaves the abandoned attempts out for readers that do not
 * (clean-replay.ts).
 */
export const resetDataSchema = z.object({
  /** The attempt that starts after the marker (2 for the first retry). */
  attempt: z.number().int().min(2),
});

export type ChatDataParts = { reset: z.infer<typeof resetDataSchema> };

const tokenUsageSchema = z.object({
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
}) satisfies z.ZodType<TokenUsage>;

/** How a run's reply ended: `aborted` is an answer the user stopped. */
export const runOutcomeSchema = z.enum(['completed', 'aborted', 'failed']);

/**
 * What a finished reply carries as metadata (from its run's charge). The server's messages also
 * carry Mastra's fields (createdAt, threadId…): the page's parse drops them, as nothing shows them.
 */
export const chatMetadataSchema = z.object({
  modelId: z.string().optional(),
  usage: tokenUsageSchema.optional(),
  costMicros: z.number().optional(),
  outcome: runOutcomeSchema.optional(),
});

export type ChatMetadata = z.infer<typeof chatMetadataSchema>;

export type ChatMessage = UIMessage<ChatMetadata, ChatDataParts>;

/** Schemas of the custom data parts, for `useChat` to validate them. */
export const chatDataPartSchemas = { reset: resetDataSchema };

const replyPrefix = 'reply_';

/** One reply per run, so the run id names it: stable across attempts, crashes and replays. */
export function replyMessageId(runId: string): string {
  return `${replyPrefix}${runId}`;
}

/** The run that produced a reply, for messages named by replyMessageId. */
export function runIdOfReply(messageId: string): string | undefined {
  return messageId.startsWith(replyPrefix) ? messageId.slice(replyPrefix.length) : undefined;
}

export function resetChunk(attempt: number): UIMessageChunk {
  return { type: 'data-reset', data: { attempt } };
}

const attemptIdPattern = /~r\d+$/;

/** A part or tool-call id made unique to one attempt: `call_1` becomes `call_1~r2` in attempt 2. */
export function attemptScopedId(id: string, attempt: number): string {
  return attempt <= 1 ? id : `${id}~r${attempt}`;
}

/** The id as the provider (and memory) knows it, without an attempt scope. */
export function unscopedId(id: string): string {
  return id.replace(attemptIdPattern, '');
}

/**
 * Gives a retried attempt's parts ids of their own. Providers number text parts from "0" in
 * every call and a regenerated step may repeat a tool call id; an abandoned attempt's part may
 * still be open in a reader's state, and the reader would merge the new attempt's part into it
 * (hidden behind the reset marker) instead of starting a new one. `normalizeMessage` removes the
 * scope from tool call ids again, so the finished message matches memory.
 */
export function withAttemptPartIds(chunk: UIMessageChunk, attempt: number): UIMessageChunk {
  if (attempt <= 1) return chunk;
  switch (chunk.type) {
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
      return { ...chunk, id: attemptScopedId(chunk.id, attempt) };
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-input-available':
    case 'tool-input-error':
    case 'tool-output-available':
    case 'tool-output-error':
    case 'tool-output-denied':
    case 'tool-approval-request':
      return { ...chunk, toolCallId: attemptScopedId(chunk.toolCallId, attempt) };
    default:
      return chunk;
  }
}

type Part = UIMessage['parts'][number];

/** A message's text parts, joined: what a title, an edit box or a handed-back draft shows. */
export function messageText(message: Pick<UIMessage, 'parts'>, separator = '\n'): string {
  return message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join(separator);
}

/** The parts that make up the answer: those after the last reset marker. */
export function visibleParts<P extends Part | ChatMessage['parts'][number]>(parts: readonly P[]): P[] {
  const lastReset = parts.findLastIndex((part) => part.type === 'data-reset');
  return parts.slice(lastReset + 1);
}

function withUnscopedToolCallId<P extends Part>(part: P): P {
  if (!('toolCallId' in part) || !attemptIdPattern.test(part.toolCallId)) return part;
  return { ...part, toolCallId: unscopedId(part.toolCallId) };
}

/**
 * A tool call whose input was still streaming when its reply ended (a Stop) is a call with the
 * input that arrived: no more will come. Memory stores it that way, and a card shows it stopped.
 */
function settledToolCall<P extends Part>(part: P): P {
  if (!('toolCallId' in part) || part.state !== 'input-streaming') return part;
  return { ...part, state: 'input-available' };
}

/** A text or reasoning part a Stop cut off before its first delta shows nothing and is not stored. */
function isEmptyText(part: Part): boolean {
  return (part.type === 'text' || part.type === 'reasoning') && part.text === '';
}

/**
 * The message as the answer stands once its stream has ended: abandoned attempts and their
 * markers removed, tool calls under the ids memory stores them by, and what a Stop cut short in
 * the form memory keeps it.
 */
export function normalizeMessage<M extends UIMessage | ChatMessage>(message: M): M {
  const visible = visibleParts(message.parts as Part[]);
  const parts = visible.filter((part) => !isEmptyText(part)).map((part) => settledToolCall(withUnscopedToolCallId(part)));
  const unchanged = parts.length === message.parts.length && parts.every((part, index) => part === message.parts[index]);
  return unchanged ? message : ({ ...message, parts } as M);
}
