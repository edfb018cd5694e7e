'use client';

/** `‹ 2/3 ›`: which of a message's answers is shown; the last one is the thread's current answer. */
export function VersionSwitcher({ index, count, onSelect }: { index: number; count: number; onSelect: (index: number) => void }) {
  return (
    <fieldset className="version-switcher" data-testid="version-switcher" aria-label="Answer versions">
      <button type="button" aria-label="Previous answer" disabled={index === 0} onClick={() => onSelect(index - 1)}>
        ‹
      </button>
      <span data-testid="version-position" aria-live="polite">
        {index + 1}/{count}
      </span>
      <button type="button" aria-label="Next answer" disabled={index === count - 1} onClick={() => onSelect(index + 1)}>
        ›
      </button>
    </fieldset>
  );
}
