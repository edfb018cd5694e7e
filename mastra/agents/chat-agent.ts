import type { ToolsInput } from '@mastra/core/agent';
import { Agent } from '@mastra/core/agent';
import type { MastraMemory } from '@mastra/core/memory';
import { RequestContext } from '@mastra/core/request-context';
import type { ModelConfig } from '../../lib/config';
import { resolveModel } from '../model';
import { type PromptSent, promptMeter, promptSentContextKey } from '../processors/prompt-meter';

export const chatAgentId = 'chat';

/** Request-context key carrying the durable step's attempt number into the model resolver. */
export const attemptContextKey = 'step-attempt';
/** Request-context key carrying the workflow run id to the tools, which record calls per run. */
export const runIdContextKey = 'run-id';

/** What the model resolver, the tools and the prompt meter read about the turn they serve. */
export function turnRequestContext(turn: { attempt: number; runId: string; promptSent?: PromptSent }): RequestContext<unknown> {
  return new RequestContext<unknown>([[attemptContextKey, turn.attempt], [runIdContextKey, turn.runId], ...(turn.promptSent ? [[promptSentContextKey, turn.promptSent] as [string, unknown]] : [])]);
}

const instructions = `You are Durable Chat's assistant. Answer clearly and concisely in markdown.
When a question is ambiguous, state the assumption you make and answer it.
Use the tools when they help: weather for current conditions, research for a topic that needs
digging, save_note when the user asks you to remember or write something down.`;

export function createChatAgent(options: { memory: MastraMemory; model: ModelConfig; traced: boolean; tools: ToolsInput }): Agent {
  return new Agent({
    id: chatAgentId,
    name: 'Durable Chat assistant',
    instructions,
    memory: options.memory,
    tools: options.tools,
    inputProcessors: [promptMeter],
    model: ({ requestContext }) => {
      const attempt = requestContext.get(attemptContextKey);
      const runId = requestContext.get(runIdContextKey);
      return resolveModel(options.model, { attempt: typeof attempt === 'number' ? attempt : 1, runId: typeof runId === 'string' ? runId : undefined }, options.traced);
    },
  });
}
