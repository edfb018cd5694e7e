'use client';

import { useChat } from '@ai-sdk/react';
import { WorkflowChatTransport } from '@workflow/ai';
import type { UIMessage } from 'ai';
import { useMemo, useRef, useState } from 'react';
import { createResilientFetch } from '@/lib/client/resilient-fetch';

/**
 * `useChat` over the durable run: the POST starts a run, the run id is kept while it is active,
 * and a reload (or a dropped connection) resumes the run's stream where the client left off.
 */
export function useDurableChat(options: { threadId: string; initialMessages: UIMessage[]; activeRunId: string | null }) {
  const runIdRef = useRef<string | null>(options.activeRunId);
  const [runId, setRunId] = useState<string | null>(options.activeRunId);
  const [reconnecting, setReconnecting] = useState(false);

  const transport = useMemo(() => {
    const remember = (id: string | null) => {
      runIdRef.current = id;
      setRunId(id);
    };
    return new WorkflowChatTransport<UIMessage>({
      api: '/api/chat',
      fetch: createResilientFetch({ onReconnecting: setReconnecting }),
      // The server keeps the history; sending only the new message keeps requests small.
      prepareSendMessagesRequest: ({ id, messages }) => ({
        body: { id, messages: messages.slice(-1) },
        headers: { 'content-type': 'application/json' },
      }),
      onChatSendMessage: (response) => remember(response.headers.get('x-workflow-run-id')),
      onChatEnd: () => remember(null),
      prepareReconnectToStreamRequest: ({ api, ...rest }) => {
        const id = runIdRef.current;
        if (!id) throw new Error('There is no active run to resume');
        return { ...rest, api: `/api/chat/${encodeURIComponent(id)}/stream` };
      },
    });
  }, []);

  const chat = useChat<UIMessage>({
    id: options.threadId,
    messages: options.initialMessages,
    transport,
    resume: options.activeRunId !== null,
  });
  return { ...chat, runId, reconnecting };
}
