import type { TokenUsage } from './usage';

/** Prices in micro-dollars (1e-6 USD) per million tokens: integers, so costs never touch floats. */
export interface ModelPrice {
  inputPerMillion: bigint;
  cachedInputPerMillion: bigint;
  outputPerMillion: bigint;
}

const price = (input: number, cachedInput: number, output: number): ModelPrice => ({
  inputPerMillion: BigInt(input),
  cachedInputPerMillion: BigInt(cachedInput),
  outputPerMillion: BigInt(output),
});

/**
 * The price list. Keys are the model ids the app reports (`simulated`, Mastra router ids, or the
 * id sent to an OpenAI-compatible server). The simulated model is priced like a small hosted
 * model so the billing pipeline is exercised end to end with realistic numbers.
 */
export const modelPrices: Readonly<Record<string, ModelPrice>> = {
  simulated: price(150_000, 75_000, 600_000),
  'openai/gpt-4o-mini': price(150_000, 75_000, 600_000),
  'openai/gpt-4o': price(2_500_000, 1_250_000, 10_000_000),
  'openai/gpt-4.1-mini': price(400_000, 100_000, 1_600_000),
  'anthropic/claude-sonnet-4-5': price(3_000_000, 300_000, 15_000_000),
};

/** Unknown models (a local server, say) cost nothing rather than a made-up amount. */
export const unpriced: ModelPrice = price(0, 0, 0);

export function priceOf(modelId: string): ModelPrice {
  return modelPrices[modelId] ?? unpriced;
}

const perMillion = 1_000_000n;

/** tokens × price / 1e6, rounded half up, in whole micro-dollars. */
function scaled(tokens: number, pricePerMillion: bigint): bigint {
  return (BigInt(tokens) * pricePerMillion + perMillion / 2n) / perMillion;
}

/** Cost of some usage in micro-dollars. Cached input is billed at its own rate, not twice. */
export function costMicros(usage: TokenUsage, modelPrice: ModelPrice): number {
  const uncachedInput = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  const total = scaled(uncachedInput, modelPrice.inputPerMillion) + scaled(usage.cachedInputTokens, modelPrice.cachedInputPerMillion) + scaled(usage.outputTokens, modelPrice.outputPerMillion);
  return Number(total);
}
