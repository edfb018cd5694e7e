import { describe, expect, it } from 'vitest';
import { replyTokens } from '../seeded-text';
import { estimatedTokens } from './token-chunks';

describe('estimated tokens of a streamed chunk', () => {
  it('counts the simulated model exactly, one delta per token or all merged into one', () => {
    const tokens = replyTokens('Tell me about durable streams', 300);
    const perToken = tokens.reduce((sum, delta) => sum + estimatedTokens({ type: 'text-delta', id: 't', delta }), 0);
    expect(perToken).toBe(300);
    expect(estimatedTokens({ type: 'text-delta', id: 't', delta: tokens.join('') })).toBe(300);
  });

  it('counts a delta of only whitespace or punctuation as one token, and non-delta chunks as none', () => {
    expect(estimatedTokens({ type: 'text-delta', id: 't', delta: '\n\n' })).toBe(1);
    expect(estimatedTokens({ type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: '{"city":' })).toBe(1);
    expect(estimatedTokens({ type: 'start-step' })).toBe(0);
  });
});
