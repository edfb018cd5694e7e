import type { UIMessageChunk } from 'ai';
import { sseEvents } from '../test/support/sse';

export interface TimedChunk {
  chunk: UIMessageChunk;
  /** performance.now() when the client had parsed it. */
  at: number;
}

/**
 * Reads an SSE UI message stream, stamping each chunk with its arrival time. Stops after
 * `limit` chunks (dropping the connection) or at the end of the stream.
 */
export async function readTimed(response: Response, limit = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<TimedChunk[]> {
  if (!response.body || signal?.aborted) {
    await response.body?.cancel();
    return [];
  }
  const reader = sseEvents(response.body).getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  const chunks: TimedChunk[] = [];
  try {
    while (chunks.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push({ chunk: JSON.parse(value) as UIMessageChunk, at: performance.now() });
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
    await reader.cancel().catch(() => undefined);
  }
  return chunks;
}

/** Deltas that carry tokens: what a reader sees as the answer growing. */
export function isDelta(chunk: UIMessageChunk): boolean {
  return chunk.type === 'text-delta' || chunk.type === 'reasoning-delta' || chunk.type === 'tool-input-delta';
}
