'use client';

import { useEffect, useState } from 'react';
import { type ThreadViewBody, threadViewSchema } from '@/lib/api/contracts';
import { readBody } from '@/lib/client/read-body';

export type ThreadViewState = { status: 'loading' } | { status: 'ready'; view: ThreadViewBody } | { status: 'error'; message: string };

/** The thread's stored history and active run; a thread that does not exist yet is empty. */
export async function fetchThreadView(threadId: string): Promise<ThreadViewBody> {
  const response = await fetch(`/api/threads/${encodeURIComponent(threadId)}`);
  if (response.status === 404) return { messages: [], activeRunId: null, versions: {} };
  if (!response.ok) throw new Error(`Could not load the conversation (${response.status})`);
  return readBody(response, threadViewSchema);
}

export function useThreadView(threadId: string, enabled: boolean): ThreadViewState {
  const [state, setState] = useState<ThreadViewState>({ status: 'loading' });
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    fetchThreadView(threadId)
      .then((view) => !cancelled && setState({ status: 'ready', view }))
      .catch((error: Error) => !cancelled && setState({ status: 'error', message: error.message }));
    return () => {
      cancelled = true;
    };
  }, [threadId, enabled]);
  return state;
}
