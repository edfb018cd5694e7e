import type { UIMessage } from 'ai';
import type { AppContext } from '../app-context';
import { chargesOf } from '../billing/ledger';
import type { AppDatabase } from '../db/database';
import { activeRunsOfThread } from '../runs/active-run';
import { type ChatMessage, runIdOfReply } from '../stream/message-protocol';
import { refuseDeletedThread } from '../threads/deleted-threads';
import { type MessageVersions, versionsOfThread } from './message-versions';
import { requireOwnThread, threadMessages } from './threads';

export interface ThreadView {
  id: string;
  title: string | undefined;
  messages: ChatMessage[];
  /** The run answering now (queued runs follow it), whose stream the client should attach to. */
  activeRunId: string | null;
  /** Earlier answers (replaced by a regenerate) of the shown user messages, oldest first, by user message id. */
  versions: MessageVersions;
}

/** Gives each reply the usage its run was charged, as the live stream's `finish` did. */
async function attachUsage(db: AppDatabase, messages: UIMessage[]): Promise<ChatMessage[]> {
  const runIds = messages.flatMap((message) => runIdOfReply(message.id) ?? []);
  const charges = new Map((await chargesOf(db, runIds)).map((charge) => [charge.run_id, charge]));
  return messages.map((message) => {
    const charge = charges.get(runIdOfReply(message.id) ?? '');
    if (!charge) return message as ChatMessage;
    const usage = {
      inputTokens: Number(charge.input_tokens),
      cachedInputTokens: Number(charge.cached_input_tokens),
      outputTokens: Number(charge.output_tokens),
      reasoningTokens: Number(charge.reasoning_tokens),
    };
    return { ...message, metadata: { ...(message.metadata as object), modelId: charge.model_id, usage, costMicros: Number(charge.cost_micros), outcome: charge.outcome } } as ChatMessage;
  });
}

/** Earlier answers carry their runs' usage too, as they did when they were current. */
async function withVersionUsage(db: AppDatabase, versions: MessageVersions): Promise<MessageVersions> {
  const entries = Object.entries(versions);
  const charged = await attachUsage(
    db,
    entries.flatMap(([, messages]) => messages),
  );
  const byId = new Map(charged.map((message) => [message.id, message]));
  return Object.fromEntries(entries.map(([userMessageId, messages]) => [userMessageId, messages.map((message) => byId.get(message.id) ?? message)]));
}

/**
 * The thread as a client should render it. While a run is active its reply is left out (memory
 * may hold part of it): the client gets the reply from the run's stream instead, once.
 */
export async function readThread(context: Pick<AppContext, 'db' | 'memory'>, userId: string, threadId: string): Promise<ThreadView> {
  await refuseDeletedThread(context.db, threadId);
  const thread = await requireOwnThread(context.memory, threadId, userId);
  const [messages, activeRuns] = await Promise.all([threadMessages(context.memory, threadId, userId), activeRunsOfThread(context.db, threadId)]);
  const active = activeRuns[0];
  const withUsage = await attachUsage(context.db, messages);
  const cut = active ? withUsage.findIndex((message) => message.id === active.userMessageId) : -1;
  const shown = cut === -1 ? withUsage : withUsage.slice(0, cut + 1);
  const userMessageIds = shown.flatMap((message) => (message.role === 'user' ? [message.id] : []));
  const versions = await withVersionUsage(context.db, await versionsOfThread(context.db, threadId, userMessageIds));
  return { id: threadId, title: thread.title, messages: shown, activeRunId: active?.runId ?? null, versions };
}
