import type { UIMessageChunk } from 'ai';

/**
 * Output tokens a streamed chunk stands for, when the provider did not say: one per word (a run
 * of non-space with a letter or digit; list markers and lone punctuation ride along) of a text
 * or reasoning delta, since deltas may carry several tokens once merged for writing (exact for
 * the simulated model, whose tokens are words), and one per tool-input delta.
 */
export function estimatedTokens(chunk: UIMessageChunk): number {
  if (chunk.type === 'text-delta' || chunk.type === 'reasoning-delta') return Math.max(1, chunk.delta.match(/\S*[\p{L}\p{N}]\S*/gu)?.length ?? 0);
  return chunk.type === 'tool-input-delta' ? 1 : 0;
}
