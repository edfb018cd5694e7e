'use client';

import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { type FormEvent, useMemo, useState } from 'react';
import type { ChatMessage } from '@/lib/stream/message-protocol';
import { MessageInput } from './message-input';
import { MessageView } from './message-view';
import { ThreadScreen } from './thread-screen';

/**
 * The "current architecture" the migration starts from, for comparison: plain `useChat` with
 * the default transport against a route that streams the agent straight into its response.
 * Close the tab mid-answer and the agent stops with the request.
 */
function RequestBoundChat({ threadId, initialMessages }: { threadId: string; initialMessages: ChatMessage[] }) {
  const [input, setInput] = useState('');
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: '/api/bench/direct',
        prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, messages: messages.slice(-1) } }),
      }),
    [],
  );
  const { messages, sendMessage, status } = useChat<ChatMessage>({ id: threadId, messages: initialMessages, transport });
  const busy = status === 'submitted' || status === 'streaming';

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput('');
    void sendMessage({ text });
  }

  return (
    <div className="chat">
      <header className="chat-header">
        <span className="brand">Request-bound baseline</span>
        <a href={`/chat/${threadId}`}>Open this thread in Durable Chat</a>
        <span className={`status ${status}`} data-testid="chat-status" data-status={status}>
          {status}
        </span>
      </header>
      <main className="messages">
        {messages.map((message, index) => (
          <MessageView key={message.id} message={message} streaming={busy && index === messages.length - 1} />
        ))}
      </main>
      <form className="composer" onSubmit={submit}>
        <MessageInput value={input} onChange={setInput} onSubmit={submit} />
        <button type="submit" disabled={busy || input.trim() === ''}>
          Send
        </button>
      </form>
    </div>
  );
}

export function RequestBoundScreen({ threadId }: { threadId: string }) {
  return <ThreadScreen threadId={threadId}>{(view) => <RequestBoundChat threadId={threadId} initialMessages={view.messages} />}</ThreadScreen>;
}
