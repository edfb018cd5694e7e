'use client';

import { useSession } from '@/hooks/use-session';
import { useThreadView } from '@/hooks/use-thread-view';
import { Chat } from './chat';

/** Loads the session and the thread, then mounts the chat with the stored history. */
export function ChatScreen({ threadId }: { threadId: string }) {
  const session = useSession();
  const thread = useThreadView(threadId, session.status === 'ready');
  if (session.status === 'error') return <p className="screen-message error">{session.message}</p>;
  if (thread.status === 'error') return <p className="screen-message error">{thread.message}</p>;
  if (session.status !== 'ready' || thread.status !== 'ready') return <p className="screen-message">Loading…</p>;
  return <Chat threadId={threadId} initialMessages={thread.view.messages} activeRunId={thread.view.activeRunId} simulated={session.simulated} />;
}
