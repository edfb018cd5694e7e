import { getToolName, isToolUIPart, type UIMessage, type UIMessageChunk } from 'ai';
import { attemptScopedId } from './message-protocol';

type Part = UIMessage['parts'][number];

function toolChunks(part: Extract<Part, { toolCallId: string }>, attempt: number): UIMessageChunk[] {
  if (!isToolUIPart(part)) return [];
  const toolCallId = attemptScopedId(part.toolCallId, attempt);
  const toolName = getToolName(part);
  const dynamic = part.type === 'dynamic-tool' ? { dynamic: true as const } : {};
  const inputChunk: UIMessageChunk = { type: 'tool-input-available', toolCallId, toolName, input: part.input, ...dynamic };
  switch (part.state) {
    case 'output-available':
      return [inputChunk, { type: 'tool-output-available', toolCallId, output: part.output, ...dynamic }];
    case 'output-error':
      return [inputChunk, { type: 'tool-output-error', toolCallId, errorText: part.errorText, ...dynamic }];
    default:
      return [inputChunk];
  }
}

function partChunks(part: Part, id: string, attempt: number): UIMessageChunk[] {
  if (part.type === 'text') {
    return [
      { type: 'text-start', id },
      { type: 'text-delta', id, delta: part.text },
      { type: 'text-end', id },
    ];
  }
  if (part.type === 'reasoning') {
    return [
      { type: 'reasoning-start', id },
      { type: 'reasoning-delta', id, delta: part.text },
      { type: 'reasoning-end', id },
    ];
  }
  if ('toolCallId' in part) return toolChunks(part, attempt);
  return [];
}

/**
 * The chunks that rebuild the completed steps an earlier attempt stored, for the stream of the
 * attempt that continues after them: a reader that drops everything before the reset marker gets
 * those steps back exactly as memory holds them, and the model is not asked for them again.
 * `parts` are the stored reply's parts, one `step-start` opening each step.
 */
export function replayStepChunks(parts: readonly Part[], attempt: number): UIMessageChunk[] {
  const chunks: UIMessageChunk[] = [];
  let stepOpen = false;
  parts.forEach((part, index) => {
    if (part.type === 'step-start' || !stepOpen) {
      if (stepOpen) chunks.push({ type: 'finish-step' });
      chunks.push({ type: 'start-step' });
      stepOpen = true;
      if (part.type === 'step-start') return;
    }
    chunks.push(...partChunks(part, attemptScopedId(`replay-${index}`, attempt), attempt));
  });
  if (stepOpen) chunks.push({ type: 'finish-step' });
  return chunks;
}
