'use client';

import { useState } from 'react';
import type { MessageVersions } from '@/lib/chat/message-versions';
import { type ChatMessage, messageText } from '@/lib/stream/message-protocol';
import { EditMessage } from './edit-message';
import { MessageView } from './message-view';
import { VersionSwitcher } from './version-switcher';

interface ConversationProps {
  messages: ChatMessage[];
  /** Earlier answers of each user message (by its id), oldest first. */
  versions: MessageVersions;
  busy: boolean;
  /** Why the last turn failed, shown on its answer. */
  failure: string | undefined;
  /** Answer again: the answer to replace (with the id of the question it answers), or a last question left without one. */
  onRegenerate: (message: ChatMessage, questionId: string | undefined) => void;
  onEdit: (messageId: string, text: string) => void;
}

/** The id of the user message each answer answers: the nearest user message before it. */
function questionIds(messages: readonly ChatMessage[]): Array<string | undefined> {
  let question: string | undefined;
  return messages.map((message) => {
    if (message.role === 'user') question = message.id;
    return question;
  });
}

/**
 * The messages with their controls: edit on user messages, regenerate on the last answer (retry
 * on a last question that has none), and
 * `‹ i/n ›` on an answer that had earlier versions. Only the current answers are the thread the
 * model continues; an earlier version is shown for reading, without actions.
 */
export function Conversation({ messages, versions, busy, failure, onRegenerate, onEdit }: ConversationProps) {
  const [shown, setShown] = useState<Record<string, number>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const questions = questionIds(messages);
  return messages.map((message, index) => {
    const last = index === messages.length - 1;
    if (message.role === 'user') {
      if (editing === message.id && !busy) {
        return (
          <EditMessage
            key={message.id}
            initialText={messageText(message)}
            onCancel={() => setEditing(null)}
            onSave={(text) => {
              setEditing(null);
              onEdit(message.id, text);
            }}
          />
        );
      }
      return (
        <MessageView key={message.id} message={message} streaming={false}>
          {!busy && (
            <button type="button" className="link-button" onClick={() => setEditing(message.id)} aria-label="Edit this message">
              Edit
            </button>
          )}
          {/* A question left without an answer (its run failed) can be answered again. */}
          {!busy && last && (
            <button type="button" className="link-button" onClick={() => onRegenerate(message, undefined)}>
              Retry
            </button>
          )}
        </MessageView>
      );
    }
    const question = questions[index];
    const earlier = (question && versions[question]) || [];
    const count = earlier.length + 1;
    const position = Math.min(shown[question ?? ''] ?? count - 1, count - 1);
    const current = position === count - 1;
    const displayed = current ? message : (earlier[position] ?? message);
    return (
      <MessageView key={message.id} message={displayed} streaming={busy && last && current} failure={last && current ? failure : undefined}>
        {count > 1 && question && <VersionSwitcher index={position} count={count} onSelect={(next) => setShown((state) => ({ ...state, [question]: next }))} />}
        {last && current && !busy && (
          <button type="button" className="link-button" onClick={() => onRegenerate(message, question)}>
            Regenerate
          </button>
        )}
      </MessageView>
    );
  });
}
