'use client';

import type { UIMessage } from 'ai';
import { Streamdown } from 'streamdown';

function Part({ part, streaming }: { part: UIMessage['parts'][number]; streaming: boolean }) {
  switch (part.type) {
    case 'text':
      return <Streamdown isAnimating={streaming}>{part.text}</Streamdown>;
    case 'reasoning':
      return <p className="reasoning">{part.text}</p>;
    default:
      return null;
  }
}

export function MessageView({ message, streaming }: { message: UIMessage; streaming: boolean }) {
  return (
    <article className={`message ${message.role}`} data-role={message.role} data-message-id={message.id}>
      <div className="bubble">
        {message.parts.map((part, index) => (
          <Part key={index} part={part} streaming={streaming} />
        ))}
      </div>
    </article>
  );
}
