import type { InputProcessor } from '@mastra/core/processors';
import type { RequestContext } from '@mastra/core/request-context';
import { estimatedPromptTokens } from '../../lib/billing/prompt-tokens';

/** Request-context key of the callback told each prompt's estimated size as the agent sends it. */
export const promptSentContextKey = 'prompt-sent';

/** Told the estimated input tokens of each model call as it starts, in the order of the calls. */
export type PromptSent = (inputTokens: number) => void;

function promptSentOf(requestContext: RequestContext<unknown> | undefined): PromptSent | undefined {
  const callback = requestContext?.get(promptSentContextKey);
  return typeof callback === 'function' ? (callback as PromptSent) : undefined;
}

/**
 * Sees every prompt on its way to the provider and reports its estimated size to the turn that
 * sent it. A provider reports a call's input only when the call finishes; a Stop can cut a call
 * short after the provider has been sent (and bills) its whole prompt.
 */
export const promptMeter: InputProcessor = {
  id: 'prompt-meter',
  processLLMRequest({ prompt, requestContext }) {
    promptSentOf(requestContext)?.(estimatedPromptTokens(prompt));
    return undefined;
  },
};
