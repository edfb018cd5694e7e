'use client';

import { useChat } from '@ai-sdk/react';
import { WorkflowChatTransport } from '@workflow/ai';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ChatMessage, chatDataPartSchemas, normalizeMessage } from '@/lib/chat/message-protocol';
import { createResilientFetch } from '@/lib/client/resilient-fetch';
import { fetchThreadView, type ThreadView } from './use-thread-view';

async function activeRunOfConflict(response: Response): Promise<string | undefined> {
  const body = await response
    .clone()
    .json()
    .catch(() => undefined);
  const runId = body?.error?.activeRunId;
  return typeof runId === 'string' ? runId : undefined;
}

/**
 * `useChat` over the durable run: the POST starts a run, the run id is kept while it is active,
 * and a reload (or a dropped connection) resumes the run's stream where the client left off.
 * A message sent while the thread is still answering (another tab, say) is not lost: the page
 * re-syncs with the server, attaches to the answering run and hands the text back to the input.
 */
export function useDurableChat(options: { threadId: string; initialMessages: ChatMessage[]; activeRunId: string | null; onRejected?: (text: string) => void }) {
  const { threadId, onRejected } = options;
  const runIdRef = useRef<string | null>(options.activeRunId);
  const [runId, setRunId] = useState<string | null>(options.activeRunId);
  const [reconnecting, setReconnecting] = useState(false);
  const [conflictRunId, setConflictRunId] = useState<string | null>(null);

  const remember = useCallback((id: string | null) => {
    runIdRef.current = id;
    setRunId(id);
  }, []);

  const transport = useMemo(() => {
    const baseFetch = createResilientFetch({ onReconnecting: setReconnecting });
    const conflictAwareFetch: typeof fetch = async (input, init) => {
      const response = await baseFetch(input, init);
      if (init?.method === 'POST' && response.status === 409) {
        const activeRunId = await activeRunOfConflict(response);
        if (activeRunId) setConflictRunId(activeRunId);
      }
      return response;
    };
    return new WorkflowChatTransport<ChatMessage>({
      api: '/api/chat',
      fetch: conflictAwareFetch,
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
  }, [remember]);

  const chat = useChat<ChatMessage>({
    id: threadId,
    messages: options.initialMessages,
    transport,
    resume: options.activeRunId !== null,
    dataPartSchemas: chatDataPartSchemas,
    // Once the answer is complete, keep only what it finally is (see message-protocol.ts), so
    // the page's messages equal the stored thread.
    onFinish: ({ message }) => setMessages((current) => current.map((item) => (item.id === message.id ? normalizeMessage(item) : item))),
  });
  const { messages, setMessages, resumeStream, clearError } = chat;

  const attach = useCallback(
    (view: ThreadView) => {
      setMessages(view.messages);
      clearError();
      remember(view.activeRunId);
      if (view.activeRunId) void resumeStream();
    },
    [setMessages, clearError, remember, resumeStream],
  );

  useEffect(() => {
    if (!conflictRunId) return;
    setConflictRunId(null);
    const rejected = messages.at(-1);
    if (rejected?.role === 'user') onRejected?.(rejected.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n'));
    void fetchThreadView(threadId).then(attach);
  }, [conflictRunId, messages, threadId, attach, onRejected]);

  return { ...chat, runId, reconnecting };
}
