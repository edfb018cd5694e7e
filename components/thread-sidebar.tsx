'use client';

import { useEffect, useState } from 'react';

interface ThreadSummary {
  id: string;
  title: string | undefined;
  active: boolean;
}

/** The user's threads, newest first; refreshed whenever `refreshKey` changes (a turn ended). */
export function ThreadSidebar({ currentThreadId, refreshKey }: { currentThreadId: string; refreshKey: string }) {
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  useEffect(() => {
    let cancelled = false;
    fetch('/api/threads')
      .then((response) => (response.ok ? response.json() : { threads: [] }))
      .then((body: { threads: ThreadSummary[] }) => !cancelled && setThreads(body.threads))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [refreshKey]);

  return (
    <nav className="sidebar" aria-label="Conversations">
      <a className="new-chat" href="/">
        + New chat
      </a>
      <ul>
        {threads.map((thread) => (
          <li key={thread.id} className={thread.id === currentThreadId ? 'current' : undefined}>
            <a href={`/chat/${thread.id}`} data-testid="thread-link">
              {thread.active && <span className="live-dot" title="Answering" />}
              {thread.title ?? 'Untitled'}
            </a>
          </li>
        ))}
      </ul>
      <a className="usage-link" href="/runs">
        Runs →
      </a>
      <a className="usage-link" href="/usage">
        Usage and cost →
      </a>
    </nav>
  );
}
