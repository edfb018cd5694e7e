'use client';

import { useChat } from '@ai-sdk/react';
import { WorkflowChatTransport } from '@workflow/ai';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { apiErrorSchema, type ThreadViewBody } from '@/lib/api/contracts';
import type { MessageVersions } from '@/lib/chat/message-versions';
import { createResilientFetch } from '@/lib/client/resilient-fetch';
import { type ChatMessage, chatDataPartSchemas, messageText, normalizeMessage } from '@/lib/stream/message-protocol';
import { fetchThreadView } from './use-thread-view';

/** Why the server refused to start a turn: the thread is answering, or the user is over a limit. */
export type Rejection = { kind: 'busy'; activeRunId: string } | { kind: 'rate_limited'; message: string };

async function rejectionOf(response: Response): Promise<Rejection | undefined> {
  if (response.status !== 409 && response.status !== 429) return undefined;
  const body = apiErrorSchema.safeParse(
    await response
      .clone()
      .json()
      .catch(() => undefined),
  );
  const error = body.success ? body.data.error : undefined;
  if (response.status === 409 && error?.activeRunId !== undefined) return { kind: 'busy', activeRunId: error.activeRunId };
  if (response.status === 429) return { kind: 'rate_limited', message: error?.message ?? 'Too many new messages; try again shortly' };
  return undefined;
}

/**
 * `useChat` over the durable run: the POST starts a run, the run id is kept while it is active,
 * and a reload (or a dropped connection) resumes the run's stream where the client left off.
 * A run whose stream was removed after the retention period (410) is shown from the stored
 * thread. A message the server refuses is not lost: the page re-syncs with the server, hands the text
 * back to the input and, when the thread was still answering (another tab, say), attaches to
 * the answering run.
 */
export function useDurableChat(options: {
  threadId: string;
  initialMessages: ChatMessage[];
  initialVersions: MessageVersions;
  activeRunId: string | null;
  onRejected?: (text: string, rejection: Rejection) => void;
}) {
  const { threadId, onRejected } = options;
  const runIdRef = useRef<string | null>(options.activeRunId);
  // Only a refused new message goes back to the input; a refused edit or regenerate is re-synced.
  const handsTextBackRef = useRef(true);
  const [runId, setRunId] = useState<string | null>(options.activeRunId);
  const [reconnecting, setReconnecting] = useState(false);
  const [rejection, setRejection] = useState<Rejection | null>(null);
  const [streamGone, setStreamGone] = useState(false);
  // Earlier answers: shown at once when a regenerate or edit is sent, and replaced by the
  // server's on every re-sync.
  const [versions, setVersions] = useState<MessageVersions>(options.initialVersions);

  const remember = useCallback((id: string | null) => {
    runIdRef.current = id;
    setRunId(id);
  }, []);

  const transport = useMemo(() => {
    const baseFetch = createResilientFetch({ onReconnecting: setReconnecting });
    const rejectionAwareFetch: typeof fetch = async (input, init) => {
      const response = await baseFetch(input, init);
      if (init?.method === 'POST') {
        const refused = await rejectionOf(response);
        if (refused) setRejection(refused);
      }
      // 410: the run ended long ago and its stream was removed (retention); the transport fails
      // the read, and the page shows the stored answer instead.
      if (response.status === 410) setStreamGone(true);
      return response;
    };
    return new WorkflowChatTransport<ChatMessage>({
      api: '/api/chat',
      fetch: rejectionAwareFetch,
      // The server keeps the history; sending only the new message keeps requests small.
      // `trigger` and `messageId` say whether it is a new message, an edit or a regenerate.
      prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => {
        handsTextBackRef.current = trigger === 'submit-message' && messageId === undefined;
        return { body: { id, messages: messages.slice(-1), trigger, messageId }, headers: { 'content-type': 'application/json' } };
      },
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
    (view: ThreadViewBody) => {
      setMessages(view.messages);
      setVersions(view.versions);
      clearError();
      remember(view.activeRunId);
      if (view.activeRunId) void resumeStream();
    },
    [setMessages, clearError, remember, resumeStream],
  );

  useEffect(() => {
    if (!streamGone) return;
    setStreamGone(false);
    void fetchThreadView(threadId).then(attach);
  }, [streamGone, threadId, attach]);

  useEffect(() => {
    if (!rejection) return;
    setRejection(null);
    const rejected = messages.at(-1);
    if (rejected?.role === 'user' && handsTextBackRef.current) {
      // Taken off the page in the same render that hands its text back; the thread view fetched
      // next then says what the server really holds.
      setMessages((current) => current.filter((message) => message.id !== rejected.id));
      onRejected?.(messageText(rejected), rejection);
    }
    void fetchThreadView(threadId).then(attach);
  }, [rejection, messages, threadId, attach, onRejected, setMessages]);

  return { ...chat, runId, reconnecting, versions, setVersions };
}
