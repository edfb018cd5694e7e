'use client';

import type { FormEvent } from 'react';

/** The message box: Enter sends, Shift+Enter starts a new line. */
export function MessageInput({ value, onChange, onSubmit }: { value: string; onChange: (value: string) => void; onSubmit: (event: FormEvent) => void }) {
  return (
    <textarea
      value={value}
      placeholder="Message Durable Chat"
      rows={2}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && !event.shiftKey) onSubmit(event);
      }}
    />
  );
}
