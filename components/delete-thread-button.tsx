'use client';

import { useEffect, useRef, useState } from 'react';

type Step = 'idle' | 'confirming' | 'deleting' | 'failed';

/**
 * Delete, then a confirmation in place (Delete / Cancel), keyboard reachable: the confirm button
 * takes the focus when it appears, Escape or Cancel backs out. A thread still answering is
 * stopped by the server before it goes.
 */
export function DeleteThreadButton({ threadId, title, onDeleted }: { threadId: string; title: string; onDeleted: (threadId: string) => void }) {
  const [step, setStep] = useState<Step>('idle');
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step === 'confirming') confirmRef.current?.focus();
  }, [step]);

  async function remove() {
    setStep('deleting');
    const response = await fetch(`/api/threads/${encodeURIComponent(threadId)}`, { method: 'DELETE' }).catch(() => undefined);
    if (response?.ok || response?.status === 404) onDeleted(threadId);
    else setStep('failed');
  }

  if (step === 'idle' || step === 'failed') {
    return (
      <button
        type="button"
        className="thread-delete"
        aria-label={`Delete conversation: ${title}`}
        onClick={() => setStep('confirming')}
        title={step === 'failed' ? 'Could not delete; try again' : 'Delete'}
      >
        {step === 'failed' ? '!' : '×'}
      </button>
    );
  }
  return (
    <fieldset
      className="thread-confirm"
      aria-label={`Delete “${title}”?`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          setStep('idle');
        }
      }}
    >
      <span>Delete?</span>
      <button type="button" ref={confirmRef} className="danger" disabled={step === 'deleting'} onClick={() => void remove()}>
        {step === 'deleting' ? 'Deleting…' : 'Delete'}
      </button>
      <button type="button" disabled={step === 'deleting'} onClick={() => setStep('idle')}>
        Cancel
      </button>
    </fieldset>
  );
}
