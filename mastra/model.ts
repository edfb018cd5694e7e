import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { MastraModelConfig } from '@mastra/core/llm';
import type { ModelConfig } from '../lib/config';
import { type ModelCallScope, traceModelCalls } from '../lib/observability/model-span';
import { createSimulatedModel } from '../lib/sim/simulated-model';

/**
 * The model for one agent call, with a trace span per model call when traces are exported. `scope.attempt` is the durable
 * step's attempt number: the simulated model uses it to fail only the first attempt when asked
 * to (`fail_at`). A model-router id is resolved by Mastra itself and gets no model span.
 */
export function resolveModel(config: ModelConfig, scope: ModelCallScope, traced: boolean): MastraModelConfig {
  // The span middleware sees every provider chunk: only in the stream when spans are exported.
  const withSpans = (model: LanguageModelV3) => (traced ? traceModelCalls(model, scope) : model);
  switch (config.kind) {
    case 'simulated':
      return withSpans(createSimulatedModel({ tokensPerSecond: config.tokensPerSecond, attempt: scope.attempt }));
    case 'router':
      return config.id;
    case 'openai-compatible': {
      const provider = createOpenAICompatible({ name: 'openai-compatible', baseURL: config.baseURL, apiKey: config.apiKey, includeUsage: true });
      return withSpans(provider.chatModel(config.modelId));
    }
  }
}
