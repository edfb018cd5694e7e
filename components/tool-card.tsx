'use client';

import { getToolName, isToolUIPart, type UIMessage } from 'ai';
import { summarize } from './tool-summary';

type ToolPart = Extract<UIMessage['parts'][number], { toolCallId: string }>;

const stateLabels: Record<ToolPart['state'], string> = {
  'input-streaming': 'preparing input',
  'input-available': 'running',
  'approval-requested': 'waiting for approval',
  'approval-responded': 'approved',
  'output-available': 'done',
  'output-error': 'error',
  'output-denied': 'denied',
};

function formatJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/**
 * A tool call as a card: its name, its state as it runs, a one-line summary of its input and
 * result (or its error), and the raw JSON behind a disclosure. A call still without a result
 * once the message has stopped streaming was cut off by a Stop.
 */
export function ToolCard({ part, streaming }: { part: ToolPart; streaming: boolean }) {
  if (!isToolUIPart(part)) return null;
  const name = getToolName(part);
  const unfinished = part.state === 'input-streaming' || part.state === 'input-available';
  const state = unfinished && !streaming ? 'stopped' : part.state;
  return (
    <section className={`tool-card tool-${state}`} data-testid="tool-card" data-tool={name} data-state={state}>
      <header>
        <span className="tool-name">{name}</span>
        <span className="tool-state">{state === 'stopped' ? 'stopped' : stateLabels[part.state]}</span>
      </header>
      {part.input !== undefined && (
        <p className="tool-summary" data-testid="tool-summary">
          {summarize(part.input)}
          {part.state === 'output-available' && <> → {summarize(part.output)}</>}
        </p>
      )}
      {part.state === 'output-error' && <p className="tool-error">{part.errorText}</p>}
      {part.input !== undefined && (
        <details className="tool-raw">
          <summary>Raw JSON</summary>
          <pre className="tool-input">{formatJson(part.input)}</pre>
          {part.state === 'output-available' && <pre className="tool-output">{formatJson(part.output)}</pre>}
        </details>
      )}
    </section>
  );
}
