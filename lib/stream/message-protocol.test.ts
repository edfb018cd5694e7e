import type { UIMessage, UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { assembleRaw as assemble } from '../../test/support/chat-client';
import { normalizeMessage, resetChunk, withAttemptPartIds } from './message-protocol';

const attempt = (messageId: string, words: string[], complete: boolean): UIMessageChunk[] => [
  { type: 'start', messageId },
  { type: 'start-step' },
  { type: 'text-start', id: 'txt-0' },
  ...words.map((word): UIMessageChunk => ({ type: 'text-delta', id: 'txt-0', delta: word })),
  ...(complete ? ([{ type: 'text-end', id: 'txt-0' }, { type: 'finish-step' }] as UIMessageChunk[]) : []),
];

describe('reset marker', () => {
  it('keeps the stream valid for a plain reader, which starts over at the new message id', async () => {
    const chunks = [...attempt('m-1', ['Hel', 'lo'], false), resetChunk(2), ...attempt('m-2', ['Hello', ' world'], true), { type: 'finish' } as UIMessageChunk];
    const message = await assemble(chunks);
    expect(message?.id).toBe('m-2');
    expect(normalizeMessage(message!).parts).toEqual([{ type: 'step-start' }, { type: 'text', text: 'Hello world', state: 'done' }]);
  });

  it('drops the abandoned attempt from a message that kept it (useChat appends on submit)', () => {
    const message: UIMessage = {
      id: 'm-2',
      role: 'assistant',
      parts: [
        { type: 'step-start' },
        { type: 'text', text: 'Hel', state: 'streaming' },
        { type: 'data-reset', data: { attempt: 2 } },
        { type: 'step-start' },
        { type: 'text', text: 'Hello world', state: 'done' },
      ],
    };
    expect(normalizeMessage(message).parts).toEqual([{ type: 'step-start' }, { type: 'text', text: 'Hello world', state: 'done' }]);
  });

  it('leaves a message without markers untouched', async () => {
    const message = await assemble([...attempt('m-1', ['Hi'], true), { type: 'finish' }]);
    expect(normalizeMessage(message!)).toBe(message);
  });
});

describe('part ids of a retried attempt', () => {
  it('are distinct from the abandoned attempt, so text is never merged into its open part', () => {
    expect(withAttemptPartIds({ type: 'text-delta', id: '0', delta: 'a' }, 1)).toEqual({ type: 'text-delta', id: '0', delta: 'a' });
    expect(withAttemptPartIds({ type: 'text-delta', id: '0', delta: 'a' }, 2)).toEqual({ type: 'text-delta', id: '0~r2', delta: 'a' });
    expect(withAttemptPartIds({ type: 'reasoning-start', id: 'r' }, 3)).toEqual({ type: 'reasoning-start', id: 'r~r3' });
    expect(withAttemptPartIds({ type: 'start-step' }, 2)).toEqual({ type: 'start-step' });
  });

  it('scope tool calls to the attempt on the stream and come back unscoped in the finished message', async () => {
    const toolCall = (attempt: number): UIMessageChunk[] =>
      [
        { type: 'start-step' },
        { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'weather' },
        { type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":' },
        ...(attempt > 1
          ? ([
              { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Lisbon' } },
              { type: 'tool-output-available', toolCallId: 'call_1', output: { temperatureC: 20 } },
              { type: 'finish-step' },
            ] as UIMessageChunk[])
          : []),
      ].map((chunk) => withAttemptPartIds(chunk as UIMessageChunk, attempt));
    const message = await assemble([{ type: 'start', messageId: 'm' }, ...toolCall(1), resetChunk(2), ...toolCall(2), { type: 'finish' }]);
    const [, tool] = normalizeMessage(message!).parts;
    expect(tool).toMatchObject({ type: 'tool-weather', toolCallId: 'call_1', state: 'output-available', output: { temperatureC: 20 } });
    expect(normalizeMessage(message!).parts).toHaveLength(2);
  });
});

describe('a reply a Stop cut short', () => {
  it('keeps a tool call whose input was streaming as a call with the input that arrived, and drops a text part that never got text', async () => {
    const message = await assemble([
      { type: 'start', messageId: 'm' },
      { type: 'start-step' },
      { type: 'text-start', id: 'lead' },
      { type: 'text-delta', id: 'lead', delta: 'Let me check' },
      { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'weather' },
      { type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":"Lis' },
      { type: 'text-start', id: 'after' },
      { type: 'abort' },
      { type: 'finish' },
    ]);
    expect(message!.parts.at(-2)).toMatchObject({ state: 'input-streaming' });
    expect(normalizeMessage(message!).parts).toMatchObject([
      { type: 'step-start' },
      { type: 'text', text: 'Let me check' },
      { type: 'tool-weather', toolCallId: 'call_1', state: 'input-available', input: { city: 'Lis' } },
    ]);
  });
});
