import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { createSimulatedModel } from './simulated-model';

function call(text: string, abortSignal?: AbortSignal): LanguageModelV3CallOptions {
  return { prompt: [{ role: 'user', content: [{ type: 'text', text }] }], abortSignal };
}

async function collect(stream: ReadableStream<LanguageModelV3StreamPart>) {
  const parts: LanguageModelV3StreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: undefined };
}

const deltas = (parts: LanguageModelV3StreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));

describe('simulated model', () => {
  it('streams exactly `words` words, deterministically, without echoing the directive', async () => {
    const model = createSimulatedModel({ tokensPerSecond: 0, attempt: 1 });
    const first = await collect((await model.doStream(call('Tell me about queues [[sim words=25]]'))).stream);
    const second = await collect((await model.doStream(call('Tell me about queues [[sim words=25]]'))).stream);
    const text = deltas(first.parts).join('');
    expect(deltas(first.parts)).toHaveLength(25);
    expect(text.split(/\s+/).filter(Boolean)).toHaveLength(25);
    expect(text).toBe(deltas(second.parts).join(''));
    expect(text).not.toContain('[[sim');
    const finish = first.parts.at(-1);
    expect(finish?.type === 'finish' && finish.usage.outputTokens.total).toBe(25);
  });

  it('fails after fail_at tokens on the first attempt only', async () => {
    const firstAttempt = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 1 }).doStream(call('x [[sim words=20 fail_at=7]]'))).stream);
    expect(deltas(firstAttempt.parts)).toHaveLength(7);
    expect(firstAttempt.error).toMatchObject({ isRetryable: true });
    const retry = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 2 }).doStream(call('x [[sim words=20 fail_at=7]]'))).stream);
    expect(retry.error).toBeUndefined();
    expect(deltas(retry.parts)).toHaveLength(20);
  });

  it('fails on every attempt with fatal_at', async () => {
    const third = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 3 }).doStream(call('x [[sim words=20 fatal_at=4]]'))).stream);
    expect(deltas(third.parts)).toHaveLength(4);
    expect(third.error).toBeDefined();
  });

  it('paces tokens and stops when aborted', async () => {
    const controller = new AbortController();
    const model = createSimulatedModel({ tokensPerSecond: 50, attempt: 1 });
    const startedAt = performance.now();
    setTimeout(() => controller.abort(), 150);
    const { parts, error } = await collect((await model.doStream(call('pace [[sim words=200]]', controller.signal))).stream);
    const elapsed = performance.now() - startedAt;
    expect(error).toBeDefined();
    // Never ahead of its pace (50 tokens/s for however long the abort took on this machine), and
    // cut short: nowhere near all 200.
    expect(deltas(parts).length).toBeGreaterThan(0);
    expect(deltas(parts).length).toBeLessThanOrEqual(Math.ceil((elapsed / 1000) * 50) + 1);
    expect(deltas(parts).length).toBeLessThan(200);
  });
});

describe('simulated model recall', () => {
  it('quotes the previous assistant message it finds in the prompt', async () => {
    const model = createSimulatedModel({ tokensPerSecond: 0, attempt: 1 });
    const { stream } = await model.doStream({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'first' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'The capital of Atlantis is Poseidonia, of course.' }] },
        { role: 'user', content: [{ type: 'text', text: 'What did you say? [[sim words=5 quote=6]]' }] },
      ],
    });
    const text = deltas((await collect(stream)).parts).join('');
    expect(text.startsWith('Earlier I said: "The capital of Atlantis is Poseidonia,".')).toBe(true);
  });
});

describe('simulated model tool calls', () => {
  const tools: LanguageModelV3CallOptions['tools'] = [
    { type: 'function', name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string', examples: ['Lisbon'] } } } },
    { type: 'function', name: 'save_note', inputSchema: { type: 'object', properties: { title: { type: 'string' }, body: { type: 'string' } } } },
  ];
  const prompt = (results: number): LanguageModelV3CallOptions['prompt'] => [
    { role: 'user', content: [{ type: 'text', text: 'Plan my day [[sim words=4 tools=weather,save_note fail_at=2 fail_step=1]]' }] },
    ...Array.from({ length: results }, (_, index): LanguageModelV3CallOptions['prompt'] => [
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: `c${index}`, toolName: 'weather', input: {} }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: `c${index}`, toolName: 'weather', output: { type: 'json', value: {} } }] },
    ]).flat(),
  ];

  it('makes one call per step, in directive order, with streamed input that fits the schema', async () => {
    const { parts } = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 2 }).doStream({ prompt: prompt(0), tools })).stream);
    const call = parts.find((part) => part.type === 'tool-call');
    expect(call).toMatchObject({ toolName: 'weather', input: '{"city":"Lisbon"}' });
    const streamedInput = parts.flatMap((part) => (part.type === 'tool-input-delta' ? [part.delta] : [])).join('');
    expect(streamedInput).toBe('{"city":"Lisbon"}');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'tool-calls' } });
    const second = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 2 }).doStream({ prompt: prompt(1), tools })).stream);
    const note = second.parts.find((part) => part.type === 'tool-call');
    expect(note).toMatchObject({ toolName: 'save_note' });
    expect(JSON.parse((note as { input: string }).input)).toEqual({ title: 'Plan my day', body: 'Plan my day' });
    const answer = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 2 }).doStream({ prompt: prompt(2), tools })).stream);
    expect(deltas(answer.parts)).toHaveLength(4);
    expect(answer.parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });

  it('fails only the step fail_step names', async () => {
    const first = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 1 }).doStream({ prompt: prompt(0), tools })).stream);
    expect(first.error).toBeUndefined();
    const second = await collect((await createSimulatedModel({ tokensPerSecond: 0, attempt: 1 }).doStream({ prompt: prompt(1), tools })).stream);
    expect(second.error).toMatchObject({ isRetryable: true });
    expect(deltas(second.parts)).toHaveLength(2);
  });
});
