import type { UIMessageChunk } from 'ai';
import type { StreamEnding } from '../runs/run-ending';

/**
 * The chunks that close a turn's stream. Every ending carries `finish`: it is the only chunk
 * WorkflowChatTransport treats as the end, and without it clients reconnect forever.
 */
export function terminalChunks(ending: StreamEnding, messageMetadata?: unknown): UIMessageChunk[] {
  const metadata = messageMetadata === undefined ? {} : { messageMetadata };
  switch (ending.kind) {
    case 'finished':
      return [{ type: 'finish', finishReason: ending.finishReason, ...metadata }];
    case 'failed':
      return [
        { type: 'error', errorText: ending.errorText },
        { type: 'finish', finishReason: 'error' },
      ];
    case 'aborted':
      return [
        { type: 'abort', reason: ending.reason },
        { type: 'finish', finishReason: 'other', ...metadata },
      ];
  }
}
