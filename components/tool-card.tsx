'use client';

import { getToolName, isToolUIPart, type UIMessage } from 'ai';

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

/** A tool call as a card: its name, its state as it runs, its input and its result or error. */
export function ToolCard({ part }: { part: ToolPart }) {
  if (!isToolUIPart(part)) return null;
  const name = getToolName(part);
  return (
    <section className={`tool-card tool-${part.state}`} data-testid="tool-card" data-tool={name} data-state={part.state}>
      <header>
        <span className="tool-name">{name}</span>
        <span className="tool-state">{stateLabels[part.state]}</span>
      </header>
      {part.input !== undefined && <pre className="tool-input">{formatJson(part.input)}</pre>}
      {part.state === 'output-available' && <pre className="tool-output">{formatJson(part.output)}</pre>}
      {part.state === 'output-error' && <p className="tool-error">{part.errorText}</p>}
    </section>
  );
}
