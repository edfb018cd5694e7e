'use client';

import { type FormEvent, useState } from 'react';

/** Edits a sent message in place: saving sends it again under its id, and the thread continues from it. */
export function EditMessage({ initialText, onSave, onCancel }: { initialText: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initialText);
  function save(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (trimmed) onSave(trimmed);
  }
  return (
    <form className="edit-message" onSubmit={save}>
      <textarea
        aria-label="Edit your message"
        value={text}
        rows={3}
        // Opened by the user's own click or key press: the caret belongs in the box.
        autoFocus
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
          if (event.key === 'Enter' && !event.shiftKey) save(event);
        }}
      />
      <div className="edit-buttons">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={text.trim() === ''}>
          Save and send
        </button>
      </div>
    </form>
  );
}
