'use client';

import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { type Rejection, useDurableChat } from '@/hooks/use-durable-chat';
import type { MessageVersions } from '@/lib/chat/message-versions';
import { type ChatMessage, normalizeMessage } from '@/lib/stream/message-protocol';
import { Conversation } from './conversation';
import { MessageInput } from './message-input';
import { ThreadSidebar } from './thread-sidebar';

interface ChatProps {
  threadId: string;
  initialMessages: ChatMessage[];
  initialVersions: MessageVersions;
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

export function Chat({ threadId, initialMessages, initialVersions, activeRunId, simulated }: ChatProps) {
  const [input, setInput] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const onRejected = useCallback((text: string, rejection: Rejection) => {
    setInput(text);
    setNotice(
      rejection.kind === 'busy'
        ? 'Still answering your previous message. Your new message is back in the box: send it when this answer ends.'
        : `${rejection.message}. Your message is back in the box.`,
    );
  }, []);
  const { messages, versions, setVersions, sendMessage, regenerate, status, error, runId, reconnecting } = useDurableChat({ threadId, initialMessages, initialVersions, activeRunId, onRejected });
  const bottom = useRef<HTMLDivElement>(null);
  const busy = status === 'submitted' || status === 'streaming';
  const lastIsAnswer = messages.at(-1)?.role === 'assistant';

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

  // The replaced answer stays readable as an earlier version, as the server keeps it (a refused
  // regenerate is undone by the re-sync that follows it).
  function regenerateAnswer(message: ChatMessage, questionId: string | undefined) {
    if (busy) return;
    setNotice(null);
    if (questionId) setVersions((current) => ({ ...current, [questionId]: [...(current[questionId] ?? []), normalizeMessage(message)] }));
    void regenerate({ messageId: message.id });
  }

  // An edit answers a new question: the old one's versions go with it, as on the server.
  function editMessage(messageId: string, text: string) {
    if (busy) return;
    setNotice(null);
    setVersions(({ [messageId]: _dropped, ...rest }) => rest);
    void sendMessage({ text, messageId });
  }

  return (
    <div className="layout">
      <ThreadSidebar currentThreadId={threadId} refreshKey={`${status}:${messages.length}`} open={menuOpen} onClose={() => setMenuOpen(false)} />
      <div className="chat">
        <header className="chat-header">
          <button type="button" className="menu-button" aria-label="Conversations" aria-expanded={menuOpen} aria-controls="thread-list" onClick={() => setMenuOpen((open) => !open)}>
            ☰
          </button>
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
          <Conversation messages={messages} versions={versions} busy={busy} failure={lastIsAnswer ? error?.message : undefined} onRegenerate={regenerateAnswer} onEdit={editMessage} />
          {notice && (
            <p className="notice" role="status">
              {notice}
            </p>
          )}
          {error && !notice && !lastIsAnswer && (
            <p className="error" role="alert">
              Failed: {error.message}
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
