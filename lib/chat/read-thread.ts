import type { UIMessage } from 'ai';
import type { AppContext } from '../app-context';
import { activeRunsOfThread } from './active-run';
import { requireOwnThread, threadMessages } from './threads';

export interface ThreadView {
  id: string;
  title: string | undefined;
  messages: UIMessage[];
  /** The run answering now (queued runs follow it), whose stream the client should attach to. */
  activeRunId: string | null;
}

/**
 * The thread as a client should render it. While a run is active its reply is left out (memory
 * may hold part of it): the client gets the reply from the run's stream instead, once.
 */
export async function readThread(context: Pick<AppContext, 'db' | 'memory'>, userId: string, threadId: string): Promise<ThreadView> {
  const thread = await requireOwnThread(context.memory, threadId, userId);
  const [messages, activeRuns] = await Promise.all([threadMessages(context.memory, threadId, userId), activeRunsOfThread(context.db, threadId)]);
  const active = activeRuns[0];
  if (!active) return { id: threadId, title: thread.title, messages, activeRunId: null };
  const cut = messages.findIndex((message) => message.id === active.userMessageId);
  return { id: threadId, title: thread.title, messages: cut === -1 ? messages : messages.slice(0, cut + 1), activeRunId: active.runId };
}
