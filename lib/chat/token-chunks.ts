import type { UIMessageChunk } from 'ai';

/**
 * Whether a streamed chunk stands for an output token: providers stream text, reasoning and tool
 * input a token or so per delta (the simulated model exactly one), so deltas estimate the output
 * of a model call that never reported its usage.
 */
export function isTokenChunk(chunk: UIMessageChunk): boolean {
  return chunk.type === 'text-delta' || chunk.type === 'reasoning-delta' || chunk.type === 'tool-input-delta';
}
