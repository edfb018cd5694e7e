import type { LanguageModelV3CallOptions, LanguageModelV3FunctionTool, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { hashString } from '../seeded-text';

/** A tool call the simulated model makes in this model call. */
export interface PlannedToolCall {
  toolCallId: string;
  toolName: string;
  /** The input as JSON text, the way a provider streams it. */
  input: string;
}

/**
 * How many tool results the current turn already holds: the simulated model makes one tool call
 * per LLM step, so this is also the index of the step being generated.
 */
export function completedToolCalls(prompt: LanguageModelV3Prompt): number {
  const lastUser = prompt.findLastIndex((message) => message.role === 'user');
  let results = 0;
  for (const message of prompt.slice(lastUser + 1)) {
    if (message.role !== 'tool') continue;
    results += message.content.filter((part) => part.type === 'tool-result').length;
  }
  return results;
}

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  examples?: unknown[];
  minimum?: number;
  maxLength?: number;
}

function sampleValue(name: string, schema: JsonSchemaProperty, userText: string): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'number' || type === 'integer') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  const words = userText.split(/\s+/).filter(Boolean);
  const phrase = (name.includes('title') ? words.slice(0, 5) : words).join(' ') || name;
  return schema.maxLength ? phrase.slice(0, schema.maxLength) : phrase;
}

/** Input that satisfies a tool's JSON schema, filled from its examples or the user's words. */
export function sampleToolInput(tool: LanguageModelV3FunctionTool, userText: string): Record<string, unknown> {
  const schema = tool.inputSchema as { properties?: Record<string, JsonSchemaProperty> };
  const input: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) input[name] = sampleValue(name, property, userText);
  return input;
}

function offeredTool(call: LanguageModelV3CallOptions, name: string): LanguageModelV3FunctionTool | undefined {
  return call.tools?.find((tool): tool is LanguageModelV3FunctionTool => tool.type === 'function' && tool.name === name);
}

/**
 * The tool call for this model call, if the directive still has one to make. Ids derive from the
 * prompt, so a regenerated step makes the same call a real provider would make afresh.
 */
export function planToolCall(call: LanguageModelV3CallOptions, toolNames: readonly string[], userText: string): PlannedToolCall | undefined {
  const step = completedToolCalls(call.prompt);
  const toolName = toolNames[step];
  const tool = toolName === undefined ? undefined : offeredTool(call, toolName);
  if (!tool) return undefined;
  const seed = hashString(`${JSON.stringify(call.prompt)}#${step}`).toString(36);
  return { toolCallId: `call_${seed}_${step}`, toolName: tool.name, input: JSON.stringify(sampleToolInput(tool, userText)) };
}

/** Splits tool input JSON into the small pieces a provider streams it in. */
export function inputDeltas(input: string, size = 12): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < input.length; index += size) pieces.push(input.slice(index, index + size));
  return pieces;
}
