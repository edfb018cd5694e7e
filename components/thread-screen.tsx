'use client';

import type { ReactNode } from 'react';
import { useSession } from '@/hooks/use-session';
import { useThreadView } from '@/hooks/use-thread-view';
import type { ThreadViewBody } from '@/lib/api/contracts';

/** Loads the session and the thread, then renders the chat for them (or what went wrong). */
export function ThreadScreen({ threadId, children }: { threadId: string; children: (view: ThreadViewBody, session: { simulated: boolean }) => ReactNode }) {
  const session = useSession();
  const thread = useThreadView(threadId, session.status === 'ready');
  if (session.status === 'error') return <p className="screen-message error">{session.message}</p>;
  if (thread.status === 'error') return <p className="screen-message error">{thread.message}</p>;
  if (session.status !== 'ready' || thread.status !== 'ready') return <p className="screen-message">Loading…</p>;
  return children(thread.view, session);
}
