import type { UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { resetChunk } from './message-protocol';
import { validateUIStream } from './validate-stream';

const toolStep = (id: string): UIMessageChunk[] => [
  { type: 'start-step' },
  { type: 'text-start', id: `t-${id}` },
  { type: 'text-delta', id: `t-${id}`, delta: 'Checking.' },
  { type: 'text-end', id: `t-${id}` },
  { type: 'tool-input-start', toolCallId: id, toolName: 'weather' },
  { type: 'tool-input-delta', toolCallId: id, inputTextDelta: '{"city":"Lisbon"}' },
  { type: 'tool-input-available', toolCallId: id, toolName: 'weather', input: { city: 'Lisbon' } },
  { type: 'tool-output-available', toolCallId: id, output: { temperatureC: 20 } },
  { type: 'finish-step' },
];
const answerStep: UIMessageChunk[] = [
  { type: 'start-step' },
  { type: 'text-start', id: '0' },
  { type: 'text-delta', id: '0', delta: 'Sunny.' },
  { type: 'text-end', id: '0' },
  { type: 'finish-step' },
];
const clean: UIMessageChunk[] = [{ type: 'start', messageId: 'm' }, ...toolStep('a'), ...toolStep('b'), ...answerStep, { type: 'finish' }];

const messages = (chunks: UIMessageChunk[]) => validateUIStream(chunks).map((violation) => `${violation.index}:${violation.message}`);

describe('UI stream validator', () => {
  it('accepts a well-formed tool turn', () => {
    expect(validateUIStream(clean)).toEqual([]);
  });

  it('accepts an attempt abandoned mid-part and started over after a reset marker', () => {
    const abandoned = [{ type: 'start', messageId: 'm' }, ...toolStep('a').slice(0, 6)] as UIMessageChunk[];
    expect(validateUIStream([...abandoned, resetChunk(2), ...clean.slice(1)])).toEqual([]);
  });

  it('accepts a stopped turn: abort then finish, with the step still open', () => {
    expect(validateUIStream([...clean.slice(0, 4), { type: 'abort' }, { type: 'finish' }])).toEqual([]);
  });

  it.each<[string, UIMessageChunk[], string]>([
    ['a delta without its start', [{ type: 'start-step' }, { type: 'text-delta', id: 'x', delta: 'a' }, { type: 'finish-step' }, { type: 'finish' }], '1:delta for part x, which is not open'],
    [
      'tool output before its input',
      [{ type: 'start-step' }, { type: 'tool-output-available', toolCallId: 'c', output: 1 }, { type: 'finish-step' }, { type: 'finish' }],
      '1:output for tool call c before its input is available, or twice',
    ],
    [
      'a tool call answered twice',
      [...toolStep('c').slice(0, 8), { type: 'tool-output-available', toolCallId: 'c', output: 2 }, { type: 'finish-step' }, { type: 'finish' }],
      '8:output for tool call c before its input is available, or twice',
    ],
    ['nested steps', [{ type: 'start-step' }, { type: 'start-step' }, { type: 'finish-step' }, { type: 'finish' }], '1:start-step inside an open step'],
    ['a step closed with text open', [{ type: 'start-step' }, { type: 'text-start', id: 'x' }, { type: 'finish-step' }, { type: 'finish' }], '2:finish-step with a text or reasoning part still open'],
    ['two terminal chunks', [...clean, { type: 'finish' }], `${clean.length}:chunk after the terminal finish`],
    ['no terminal chunk', clean.slice(0, -1), `${clean.length - 1}:stream has no terminal finish chunk`],
    ['content outside a step', [{ type: 'text-start', id: 'x' }, { type: 'text-end', id: 'x' }, { type: 'finish' }], '0:content outside a step'],
  ])('reports %s', (_name, chunks, expected) => {
    expect(messages(chunks)).toContain(expected);
  });
});
