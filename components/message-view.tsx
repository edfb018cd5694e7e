'use client';

import { isToolUIPart } from 'ai';
import type { ReactNode } from 'react';
import { Streamdown } from 'streamdown';
import { type ChatMessage, visibleParts } from '@/lib/stream/message-protocol';
import { ToolCard } from './tool-card';

function Part({ part, streaming }: { part: ChatMessage['parts'][number]; streaming: boolean }) {
  // Tool parts are typed `tool-${name}`, which no case label can name.
  if (isToolUIPart(part)) return <ToolCard part={part} streaming={streaming} />;
  switch (part.type) {
    case 'text':
      return <Streamdown isAnimating={streaming}>{part.text}</Streamdown>;
    case 'reasoning':
      return <p className="reasoning">{part.text}</p>;
    case 'step-start':
    case 'source-url':
    case 'source-document':
    case 'file':
    case 'data-reset':
      return null;
    default:
      // A part type the AI SDK adds fails to compile here until it is handled above. At run time
      // a part the type does not declare (a data part of Mastra's own) is not shown, as before.
      part satisfies never;
      return null;
  }
}

/**
 * A message as it stands: parts of an abandoned attempt (before a reset marker) are not shown.
 * `failure` is why its run failed, when it did; `children` are its controls (edit, regenerate,
 * versions), kept outside the bubble so the bubble holds only what the message says.
 */
export function MessageView({ message, streaming, failure, children }: { message: ChatMessage; streaming: boolean; failure?: string; children?: ReactNode }) {
  const usage = message.metadata?.usage;
  const stopped = message.metadata?.outcome === 'aborted';
  return (
    <article className={`message ${message.role}`} data-role={message.role} data-message-id={message.id}>
      <div>
        <div className="bubble">
          {visibleParts(message.parts).map((part, index) => (
            <Part key={index} part={part} streaming={streaming} />
          ))}
        </div>
        {(stopped || failure) && (
          <p className={`answer-state ${failure ? 'failed' : 'stopped'}`} data-testid="answer-state">
            {failure ? `Failed: ${failure}` : 'Stopped'}
          </p>
        )}
        {usage && (
          <p className="turn-usage" data-testid="turn-usage">
            {usage.inputTokens.toLocaleString()} in · {usage.outputTokens.toLocaleString()} out · ${((message.metadata?.costMicros ?? 0) / 1e6).toFixed(6)}
          </p>
        )}
        {children && <div className="message-actions">{children}</div>}
      </div>
    </article>
  );
}
