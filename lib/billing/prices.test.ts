import { describe, expect, it } from 'vitest';
import { costMicros, priceOf } from './prices';

describe('costMicros', () => {
  it('prices a million tokens at the list price, exactly', () => {
    expect(costMicros({ inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 1_000_000, reasoningTokens: 0 }, priceOf('openai/gpt-4o'))).toBe(12_500_000);
  });

  it('bills cached input at the cached rate and not also as input', () => {
    const usage = { inputTokens: 2_000_000, cachedInputTokens: 1_000_000, outputTokens: 0, reasoningTokens: 0 };
    expect(costMicros(usage, priceOf('openai/gpt-4o-mini'))).toBe(150_000 + 75_000);
  });

  it('rounds half up per component and stays exact far beyond float precision', () => {
    expect(costMicros({ inputTokens: 3, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 }, priceOf('simulated'))).toBe(0);
    expect(costMicros({ inputTokens: 4, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 }, priceOf('simulated'))).toBe(1);
    const huge = { inputTokens: 9_007_199_254, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0 };
    expect(costMicros(huge, priceOf('openai/gpt-4o'))).toBe(22_517_998_135);
  });

  it('charges nothing for a model missing from the price list', () => {
    expect(costMicros({ inputTokens: 500, cachedInputTokens: 0, outputTokens: 500, reasoningTokens: 0 }, priceOf('local/llama'))).toBe(0);
  });
});
