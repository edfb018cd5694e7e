'use client';

import { useCallback, useEffect, useState } from 'react';
import { type ThreadListBody, threadListSchema } from '@/lib/api/contracts';
import { readBody } from '@/lib/client/read-body';
import { DeleteThreadButton } from './delete-thread-button';

/**
 * The user's threads, newest first; refreshed whenever `refreshKey` changes (a turn ended) and
 * after a delete. On a narrow screen it is hidden until the header's menu opens it (`open`).
 */
export function ThreadSidebar({ currentThreadId, refreshKey, open = false, onClose }: { currentThreadId: string; refreshKey: string; open?: boolean; onClose?: () => void }) {
  const [threads, setThreads] = useState<ThreadListBody['threads']>([]);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let cancelled = false;
    fetch('/api/threads')
      .then((response) => (response.ok ? readBody(response, threadListSchema) : { threads: [] }))
      .then((body) => !cancelled && setThreads(body.threads))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [refreshKey, reloads]);

  const deleted = useCallback(
    (threadId: string) => {
      // The open conversation is gone: start a new one rather than show a thread that 404s.
      if (threadId === currentThreadId) window.location.assign('/');
      else setReloads((count) => count + 1);
    },
    [currentThreadId],
  );

  return (
    <nav
      id="thread-list"
      className={open ? 'sidebar open' : 'sidebar'}
      aria-label="Conversations"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose?.();
      }}
    >
      <a className="new-chat" href="/">
        + New chat
      </a>
      <ul>
        {threads.map((thread) => (
          <li key={thread.id} className={thread.id === currentThreadId ? 'current' : undefined} data-thread-id={thread.id}>
            <a href={`/chat/${thread.id}`} data-testid="thread-link">
              {thread.active && <span className="live-dot" title="Answering" />}
              {thread.title ?? 'Untitled'}
            </a>
            <DeleteThreadButton threadId={thread.id} title={thread.title ?? 'Untitled'} onDeleted={deleted} />
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
