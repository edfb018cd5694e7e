import { setTimeout as sleep } from 'node:timers/promises';
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { simulatedModelId } from '../config';
import { replyTokens } from '../seeded-text';
import { parseDirective, type SimDirective } from './directive';
import { completedToolCalls, inputDeltas, type PlannedToolCall, planToolCall } from './tool-plan';

export interface SimulatedModelOptions {
  /** Default pace when the message carries no `tps`; 0 means as fast as possible. */
  tokensPerSecond: number;
  /**
   * Which attempt of the durable step is calling: `fail_at` only fails the first one, so a retried
   * step succeeds the way a flaky real provider usually does.
   */
  attempt: number;
}

const defaultWords = 60;

function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role !== 'user') continue;
    return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  }
  return '';
}

/** The text of the assistant message before the newest user message: what memory recalled. */
function previousAssistantText(prompt: LanguageModelV3Prompt): string | undefined {
  const lastUser = prompt.findLastIndex((message) => message.role === 'user');
  for (let index = lastUser - 1; index >= 0; index--) {
    const message = prompt[index];
    if (message?.role !== 'assistant') continue;
    return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  }
  return undefined;
}

function quoteTokens(prompt: LanguageModelV3Prompt, words: number | undefined): string[] {
  if (!words) return [];
  const previous = previousAssistantText(prompt)?.split(/\s+/).filter(Boolean).slice(0, words);
  if (!previous?.length) return ['I', ' have', ' nothing', ' earlier', ' to', ' quote.', '\n\n'];
  return ['Earlier', ' I', ' said:', ` "${previous.join(' ')}".`, '\n\n'];
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;
const jsonWordCount = (value: unknown) => (JSON.stringify(value) ?? '').split(/[\s{}[\]",:]+/).filter(Boolean).length;

/** The simulated tokenizer: a token per word of text, and per key or value of tool call and result JSON. */
function promptTokenCount(prompt: LanguageModelV3Prompt): number {
  let tokens = 0;
  for (const message of prompt) {
    if (typeof message.content === 'string') {
      tokens += wordCount(message.content);
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') tokens += wordCount(part.text);
      else if (part.type === 'tool-call') tokens += jsonWordCount(part.input);
      else if (part.type === 'tool-result') tokens += jsonWordCount(part.output);
    }
  }
  return tokens;
}

function usage(inputTokens: number, outputTokens: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  };
}

/** A mid-stream failure that, unlike most real providers, reports what it served before failing. */
function providerFailure(inputTokens: number, outputTokens: number): APICallError {
  return new APICallError({
    message: `Simulated provider failure after ${outputTokens} tokens`,
    url: 'simulated://model',
    requestBodyValues: {},
    statusCode: 503,
    isRetryable: true,
    data: { usage: { inputTokens, outputTokens } },
  });
}

function failurePoint(directive: SimDirective, attempt: number, step: number): number | undefined {
  if (directive.fatalAt !== undefined) return directive.fatalAt;
  return attempt === 1 && step === directive.failStep ? directive.failAt : undefined;
}

/** A part the model emits; `paced` parts are tokens and wait their turn at the configured speed. */
interface PlannedPart {
  part: LanguageModelV3StreamPart;
  paced: boolean;
}

function textParts(id: string, tokens: readonly string[]): PlannedPart[] {
  if (tokens.length === 0) return [];
  return [
    { part: { type: 'text-start', id }, paced: false },
    ...tokens.map((delta) => ({ part: { type: 'text-delta', id, delta } as const, paced: true })),
    { part: { type: 'text-end', id }, paced: false },
  ];
}

function toolCallParts(call: PlannedToolCall): PlannedPart[] {
  const { toolCallId: id, toolName, input } = call;
  return [
    { part: { type: 'tool-input-start', id, toolName }, paced: false },
    ...inputDeltas(input).map((delta) => ({ part: { type: 'tool-input-delta', id, delta } as const, paced: true })),
    { part: { type: 'tool-input-end', id }, paced: false },
    { part: { type: 'tool-call', toolCallId: id, toolName, input }, paced: false },
  ];
}

/**
 * What one model call says: while the directive's tools are not all called, a short lead-in and
 * the next tool call (one per LLM step); then the answer.
 */
function plannedParts(call: LanguageModelV3CallOptions, text: string, directive: SimDirective): PlannedPart[] {
  const toolCall = planToolCall(call, directive.tools, text);
  if (toolCall) return [...textParts(`lead-${toolCall.toolCallId}`, leadInTokens(toolCall.toolName)), ...toolCallParts(toolCall)];
  const tokens = [...quoteTokens(call.prompt, directive.quote), ...replyTokens(text, directive.words ?? defaultWords)];
  return textParts('txt-0', tokens);
}

function leadInTokens(toolName: string): string[] {
  return ['Let', ' me', ' check', ' that', ' with', ` ${toolName}.`];
}

/**
 * A language model that needs no network or key: it streams a deterministic markdown reply at a
 * steady pace, calls the tools a `[[sim tools=...]]` directive names with streamed input, and its
 * failures and speed are steered by the same directive.
 */
export function createSimulatedModel(options: SimulatedModelOptions): LanguageModelV3 {
  async function doStream(call: LanguageModelV3CallOptions) {
    const { text, directive } = parseDirective(lastUserText(call.prompt));
    const planned = plannedParts(call, text, directive);
    const tokensPerSecond = directive.tokensPerSecond ?? options.tokensPerSecond;
    const intervalMs = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
    const failAt = failurePoint(directive, options.attempt, completedToolCalls(call.prompt));
    const finishReason = planned.some(({ part }) => part.type === 'tool-call') ? 'tool-calls' : 'stop';
    const inputTokens = promptTokenCount(call.prompt);
    const signal = call.abortSignal;
    const startedAt = performance.now();
    let next = 0;
    let emitted = 0;

    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings: [] });
        controller.enqueue({ type: 'response-metadata', id: `sim-${startedAt.toFixed(0)}`, modelId: simulatedModelId, timestamp: new Date() });
      },
      async pull(controller) {
        const abortIfRequested = () => {
          if (!signal?.aborted) return false;
          controller.error(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
          return true;
        };
        if (abortIfRequested()) return;
        const item = planned[next];
        if (item === undefined) {
          controller.enqueue({ type: 'finish', usage: usage(inputTokens, emitted), finishReason: { unified: finishReason, raw: finishReason } });
          controller.close();
          return;
        }
        if (item.paced && failAt !== undefined && emitted >= failAt) {
          controller.error(providerFailure(inputTokens, emitted));
          return;
        }
        if (item.paced) {
          const wait = startedAt + emitted * intervalMs - performance.now();
          if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
          if (abortIfRequested()) return;
          emitted++;
        }
        controller.enqueue(item.part);
        next++;
      },
    });
    return { stream };
  }

  return {
    specificationVersion: 'v3',
    provider: 'simulated',
    modelId: simulatedModelId,
    supportedUrls: {},
    doStream,
    async doGenerate(call) {
      const { stream } = await doStream(call);
      let text = '';
      const toolCalls: LanguageModelV3Content[] = [];
      let finish: Extract<LanguageModelV3StreamPart, { type: 'finish' }> | undefined;
      for await (const part of stream) {
        if (part.type === 'text-delta') text += part.delta;
        if (part.type === 'tool-call') toolCalls.push(part);
        if (part.type === 'finish') finish = part;
      }
      return {
        content: [...(text ? [{ type: 'text' as const, text }] : []), ...toolCalls],
        finishReason: finish?.finishReason ?? { unified: 'stop', raw: 'stop' },
        usage: finish?.usage ?? usage(0, 0),
        warnings: [],
      };
    },
  };
}
