'use client';

import { Streamdown } from 'streamdown';
import { type ChatMessage, visibleParts } from '@/lib/chat/message-protocol';
import { ToolCard } from './tool-card';

function Part({ part, streaming }: { part: ChatMessage['parts'][number]; streaming: boolean }) {
  switch (part.type) {
    case 'text':
      return <Streamdown isAnimating={streaming}>{part.text}</Streamdown>;
    case 'reasoning':
      return <p className="reasoning">{part.text}</p>;
    default:
      return 'toolCallId' in part ? <ToolCard part={part} streaming={streaming} /> : null;
  }
}

/** A message as it stands: parts of an abandoned attempt (before a reset marker) are not shown. */
export function MessageView({ message, streaming }: { message: ChatMessage; streaming: boolean }) {
  const usage = message.metadata?.usage;
  return (
    <article className={`message ${message.role}`} data-role={message.role} data-message-id={message.id}>
      <div>
        <div className="bubble">
          {visibleParts(message.parts).map((part, index) => (
            <Part key={index} part={part} streaming={streaming} />
          ))}
        </div>
        {usage && (
          <p className="turn-usage" data-testid="turn-usage">
            {usage.inputTokens.toLocaleString()} in · {usage.outputTokens.toLocaleString()} out · ${((message.metadata?.costMicros ?? 0) / 1e6).toFixed(6)}
          </p>
        )}
      </div>
    </article>
  );
}
