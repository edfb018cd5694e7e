'use client';

import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { type Rejection, useDurableChat } from '@/hooks/use-durable-chat';
import type { ChatMessage } from '@/lib/chat/message-protocol';
import { MessageInput } from './message-input';
import { MessageView } from './message-view';
import { ThreadSidebar } from './thread-sidebar';

interface ChatProps {
  threadId: string;
  initialMessages: ChatMessage[];
  activeRunId: string | null;
  simulated: boolean;
}

function statusLabel(status: string, reconnecting: boolean, runId: string | null): string {
  if (reconnecting) return 'Reconnecting…';
  if (status === 'submitted') return 'Starting…';
  if (status === 'streaming') return runId ? `Answering · run ${runId.slice(-8)}` : 'Answering…';
  if (status === 'error') return 'Something went wrong';
  return 'Ready';
}

export function Chat({ threadId, initialMessages, activeRunId, simulated }: ChatProps) {
  const [input, setInput] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const onRejected = useCallback((text: string, rejection: Rejection) => {
    setInput(text);
    setNotice(
      rejection.kind === 'busy'
        ? 'Still answering your previous message. Your new message is back in the box: send it when this answer ends.'
        : `${rejection.message}. Your message is back in the box.`,
    );
  }, []);
  const { messages, sendMessage, status, error, runId, reconnecting } = useDurableChat({ threadId, initialMessages, activeRunId, onRejected });
  const bottom = useRef<HTMLDivElement>(null);
  const busy = status === 'submitted' || status === 'streaming';

  // Braces matter: newer browsers return a promise from scrollIntoView, and an effect must
  // return nothing or a cleanup function.
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [messages]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput('');
    setNotice(null);
    void sendMessage({ text });
  }

  return (
    <div className="layout">
      <ThreadSidebar currentThreadId={threadId} refreshKey={`${status}:${messages.length}`} />
      <div className="chat">
        <header className="chat-header">
          <a className="brand" href="/">
            Durable Chat
          </a>
          {simulated && (
            <span className="badge" title="No model key is configured: replies come from the built-in simulated model">
              Simulated model
            </span>
          )}
          <span className={`status ${reconnecting ? 'reconnecting' : status}`} data-testid="chat-status" data-status={status}>
            {statusLabel(status, reconnecting, runId)}
          </span>
        </header>
        <main className="messages" data-testid="messages">
          {messages.length === 0 && <p className="empty">Ask anything. Close the tab mid-answer and come back: the answer keeps going.</p>}
          {messages.map((message, index) => (
            <MessageView key={message.id} message={message} streaming={busy && index === messages.length - 1} />
          ))}
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          {error && !notice && (
            <p className="error" role="alert">
              {error.message}
            </p>
          )}
          <div ref={bottom} />
        </main>
        <form className="composer" onSubmit={submit}>
          <MessageInput value={input} onChange={setInput} onSubmit={submit} />
          {busy && runId ? (
            <button type="button" className="stop" onClick={() => void fetch(`/api/chat/${encodeURIComponent(runId)}`, { method: 'DELETE' })}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={busy || input.trim() === ''}>
              Send
            </button>
          )}
        </form>
      </div>
    </div>
  );
}
