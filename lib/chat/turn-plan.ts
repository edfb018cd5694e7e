import { createHash } from 'node:crypto';
import type { Memory } from '@mastra/memory';
import type { UIMessage } from 'ai';
import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { type ChatRun, runsOfMessage } from '../runs/run-table';
import { replyMessageId, runIdOfReply } from '../stream/message-protocol';
import { threadMessages } from './threads';
import type { Replacement } from './turn';

/**
 * What the request asks for, in the AI SDK's terms (`ChatRequestOptions` of useChat):
 * - `submit-message` without `messageId`: a new user message (or a resend of one);
 * - `submit-message` with `messageId` (the last message's own id): an edit of that message;
 * - `regenerate-message`: a new answer to the last message, replacing the answer `messageId`
 *   names (`reply_<runId>`), or the current answer when it names none or the user message.
 */
export interface TurnTrigger {
  trigger: 'submit-message' | 'regenerate-message';
  messageId?: string | undefined;
}

/** Attach to the run this request already started, or start one (replacing an answer, or not). */
export type TurnPlan = { kind: 'attach'; runId: string } | { kind: 'start'; message: UIMessage; replaces: Replacement | null; digest: string };

export function messageDigest(message: UIMessage): string {
  return createHash('sha256').update(JSON.stringify(message.parts)).digest('hex');
}

function currentRun(runs: ChatRun[], messageId: string): ChatRun {
  const current = runs[0];
  if (!current) throw new AppError('not_found:message', `Message ${messageId} has not been answered in this thread`);
  return current;
}

/** The run whose answer a regenerate names: `reply_<runId>`, or the current one. */
function namedRun(trigger: TurnTrigger, userMessageId: string, current: ChatRun): string {
  if (trigger.messageId === undefined || trigger.messageId === userMessageId) return current.runId;
  const runId = runIdOfReply(trigger.messageId);
  if (!runId) throw new AppError('bad_request:message_id', 'messageId must name the answer to regenerate (reply_<runId>) or its user message');
  return runId;
}

/** A regenerate answers the message as the thread stored it; the client's copy cannot rewrite it. */
async function storedUserMessage(memory: Memory, threadId: string, userId: string, fallback: UIMessage): Promise<UIMessage> {
  const messages = await threadMessages(memory, threadId, userId);
  return messages.find((message) => message.id === fallback.id && message.role === 'user') ?? fallback;
}

/**
 * Decides what a chat request does, for a message id the caller has claimed (claimMessageId), so
 * every run of that id is the caller's. Each request is idempotent by its message id:
 * - a new message sent again attaches to the newest run of that message;
 * - a regenerate is keyed by (user message id, the answer it replaces): sent again, it attaches
 *   to the run it started (a unique index holds the pair); naming an answer that is no longer
 *   the current one is a 409, since the thread has moved on;
 * - an edit sent again finds its text already answered by the message's newest run and attaches
 *   to it (so an "edit" that changes nothing starts nothing; regenerate is the way to re-ask).
 */
export async function planTurn(context: { db: AppDatabase; memory: Memory }, turn: { threadId: string; userId: string; message: UIMessage }, trigger: TurnTrigger): Promise<TurnPlan> {
  const { threadId, userId, message } = turn;
  const runs = await runsOfMessage(context.db, message.id);
  const digest = messageDigest(message);
  if (trigger.trigger === 'regenerate-message') {
    const current = currentRun(runs, message.id);
    const replacedRunId = namedRun(trigger, message.id, current);
    const earlier = runs.find((run) => run.replacesRunId === replacedRunId);
    if (earlier) return { kind: 'attach', runId: earlier.runId };
    if (replacedRunId !== current.runId) {
      throw new AppError('conflict:stale_answer', 'That answer has been replaced already', { details: { currentMessageId: replyMessageId(current.runId) } });
    }
    const stored = await storedUserMessage(context.memory, threadId, userId, message);
    return { kind: 'start', message: stored, replaces: { kind: 'regenerate', runId: replacedRunId }, digest: messageDigest(stored) };
  }
  if (trigger.messageId !== undefined) {
    if (trigger.messageId !== message.id) throw new AppError('bad_request:message_id', 'To edit a message, send it last with its own id as messageId');
    const current = currentRun(runs, message.id);
    if (current.messageDigest === digest) return { kind: 'attach', runId: current.runId };
    return { kind: 'start', message, replaces: { kind: 'edit', runId: current.runId }, digest };
  }
  const resent = runs[0];
  if (resent) return { kind: 'attach', runId: resent.runId };
  return { kind: 'start', message, replaces: null, digest };
}
