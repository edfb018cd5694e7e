import type { LanguageModelV2Prompt } from '@ai-sdk/provider';

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
// JSON has no spaces between its tokens: its keys and values are the words.
const jsonWords = (value: unknown) => (JSON.stringify(value) ?? '').split(/[\s{}[\]",:]+/).filter(Boolean).length;

type PromptPart = Exclude<LanguageModelV2Prompt[number]['content'], string>[number];

function partTokens(part: PromptPart): number {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return words(part.text);
    case 'tool-call':
      return jsonWords(part.input);
    case 'tool-result':
      return jsonWords(part.output);
    default:
      return 0;
  }
}

/**
 * Input tokens a prompt stands for, when the provider did not say: one per word of its text
 * (system, user, assistant and reasoning text) and one per key or value of the JSON of its tool
 * calls and results. Providers report a call's input only when it finishes, so a call a Stop
 * cut short is charged this estimate for the prompt it was sent (exact for the simulated
 * model, which counts its prompt the same way).
 */
export function estimatedPromptTokens(prompt: LanguageModelV2Prompt): number {
  let tokens = 0;
  for (const message of prompt) {
    if (typeof message.content === 'string') tokens += words(message.content);
    else for (const part of message.content) tokens += partTokens(part);
  }
  return tokens;
}
