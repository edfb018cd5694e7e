import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { MastraModelConfig } from '@mastra/core/llm';
import type { ModelConfig } from '../lib/config';
import { createSimulatedModel } from '../lib/sim/simulated-model';

/**
 * The model for one agent call. `attempt` is the durable step's attempt number: the simulated
 * model uses it to fail only the first attempt when asked to (`fail_at`).
 */
export function resolveModel(config: ModelConfig, attempt: number): MastraModelConfig {
  switch (config.kind) {
    case 'simulated':
      return createSimulatedModel({ tokensPerSecond: config.tokensPerSecond, attempt });
    case 'router':
      return config.id;
    case 'openai-compatible':
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: config.baseURL, apiKey: config.apiKey, includeUsage: true }).chatModel(config.modelId);
  }
}
