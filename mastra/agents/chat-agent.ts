import { Agent } from '@mastra/core/agent';
import type { MastraMemory } from '@mastra/core/memory';
import type { ModelConfig } from '../../lib/config';
import { resolveModel } from '../model';

export const chatAgentId = 'chat';

/** Request-context key carrying the durable step's attempt number into the model resolver. */
export const attemptContextKey = 'step-attempt';

const instructions = `You are Durable Chat's assistant. Answer clearly and concisely in markdown.
When a question is ambiguous, state the assumption you make and answer it.`;

export function createChatAgent(options: { memory: MastraMemory; model: ModelConfig }): Agent {
  return new Agent({
    id: chatAgentId,
    name: 'Durable Chat assistant',
    instructions,
    memory: options.memory,
    model: ({ requestContext }) => {
      const attempt = requestContext.get(attemptContextKey);
      return resolveModel(options.model, typeof attempt === 'number' ? attempt : 1);
    },
  });
}
