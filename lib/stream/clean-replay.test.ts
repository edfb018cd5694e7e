import type { UIMessage, UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { assembleRaw } from '../../test/support/chat-client';
import { finishedStreamReplay } from './clean-replay';
import { normalizeMessage, resetChunk, withAttemptPartIds } from './message-protocol';
import { validateUIStream } from './validate-stream';

const messageId = 'reply_wrun_1';

/** What one attempt writes, with the part ids the reply step gives that attempt. */
const attempt = (n: number, chunks: UIMessageChunk[]): UIMessageChunk[] => [...(n > 1 ? [resetChunk(n)] : []), ...chunks.map((chunk) => withAttemptPartIds(chunk, n))];

const text = (id: string, words: string[], end = true): UIMessageChunk[] => [
  { type: 'text-start', id },
  ...words.map((word): UIMessageChunk => ({ type: 'text-delta', id, delta: word })),
  ...(end ? [{ type: 'text-end', id } as UIMessageChunk] : []),
];

const toolStep: UIMessageChunk[] = [
  { type: 'start-step' },
  { type: 'reasoning-start', id: 'r' },
  { type: 'reasoning-delta', id: 'r', delta: 'Needs the weather.' },
  { type: 'reasoning-end', id: 'r' },
  { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'weather' },
  { type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"city":"Lisbon"}' },
  { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Lisbon' } },
  { type: 'tool-output-available', toolCallId: 'call_1', output: { temperatureC: 20 } },
  { type: 'finish-step' },
];

const answer = ['Sunny', ' in', ' Lisbon.'];
const start: UIMessageChunk = { type: 'start', messageId };
const finish: UIMessageChunk = { type: 'finish', finishReason: 'stop' };

/** Attempt 1 cut mid-text, then attempt 2 with the whole reply. */
const oneRetry: UIMessageChunk[] = [
  ...attempt(1, [start, { type: 'start-step' }, ...text('0', ['Sunny', ' in'], false)]),
  ...attempt(2, [start, { type: 'start-step' }, ...text('0', answer), { type: 'finish-step' }]),
  finish,
];

/**
 * Attempt 1 cut inside a tool call's input, attempt 2 cut after its tool step, attempt 3 replays
 * that step from memory (no `start` of its own, as when nothing is left to generate) and answers.
 */
const twoRetries: UIMessageChunk[] = [
  ...attempt(1, [start, { type: 'message-metadata', messageMetadata: { modelId: 'sim' } }, ...toolStep.slice(0, 6)]),
  ...attempt(2, [start, ...toolStep, { type: 'start-step' }, ...text('0', ['Sun'], false)]),
  ...attempt(3, [...toolStep, { type: 'start-step' }, ...text('0', answer), { type: 'finish-step' }]),
  finish,
];

const partIds = (chunks: UIMessageChunk[]) => chunks.flatMap((chunk) => ('id' in chunk ? [chunk.id] : 'toolCallId' in chunk ? [chunk.toolCallId] : []));
const texts = (message: UIMessage | undefined) => (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : []));

describe('the replay of a finished stream', () => {
  it('leaves a stream without reset markers as it is', () => {
    const stream = [start, { type: 'start-step' }, ...text('0', answer), { type: 'finish-step' }, finish] as UIMessageChunk[];
    expect(finishedStreamReplay(stream, 0)).toEqual({ chunks: stream, clean: false });
  });

  it('gives a plain reader from 0 the answer once, where the raw stream shows the abandoned attempt too', async () => {
    expect(texts(await assembleRaw(oneRetry))).toEqual(['Sunny in', 'Sunny in Lisbon.']);
    const replay = finishedStreamReplay(oneRetry, 0);
    expect(replay.clean).toBe(true);
    expect(replay.chunks).toEqual([start, start, { type: 'start-step' }, ...text('0~r2', answer), { type: 'finish-step' }, finish]);
    expect(validateUIStream(replay.chunks)).toEqual([]);
    const message = await assembleRaw(replay.chunks);
    expect(message?.id).toBe(messageId);
    expect(texts(message)).toEqual(['Sunny in Lisbon.']);
  });

  it('drops every abandoned attempt before the last marker: text, reasoning, tool input and output, steps, markers', async () => {
    const replay = finishedStreamReplay(twoRetries, 0);
    expect(replay.chunks.filter((chunk) => chunk.type === 'data-reset')).toEqual([]);
    expect(new Set(partIds(replay.chunks))).toEqual(new Set(['r~r3', 'call_1~r3', '0~r3']));
    expect(replay.chunks.filter((chunk) => chunk.type === 'start-step')).toHaveLength(2);
    expect(validateUIStream(replay.chunks)).toEqual([]);

    const message = await assembleRaw(replay.chunks);
    // The first attempt's `start` and metadata are kept: the last attempt wrote neither.
    expect(message?.id).toBe(messageId);
    expect(message?.metadata).toEqual({ modelId: 'sim' });
    expect(message?.parts.map((part) => part.type)).toEqual(['step-start', 'reasoning', 'tool-weather', 'step-start', 'text']);
    expect(texts(message)).toEqual(['Sunny in Lisbon.']);
    // The app's client, which applies the markers to the raw stream, ends with the same message.
    expect(normalizeMessage(message!)).toEqual(normalizeMessage((await assembleRaw(twoRetries))!));
  });

  it('gives a reader that holds abandoned chunks the last marker and the answer, for every index up to it', async () => {
    for (const stream of [oneRetry, twoRetries]) {
      const lastReset = stream.findLastIndex((chunk) => chunk.type === 'data-reset');
      const fromZero = finishedStreamReplay(stream, 0).chunks;
      for (let startIndex = 1; startIndex <= lastReset; startIndex++) {
        const held = stream.slice(0, startIndex);
        const replay = finishedStreamReplay(stream.slice(startIndex), startIndex);
        expect(replay.clean).toBe(true);
        expect(replay.chunks.filter((chunk) => chunk.type === 'data-reset')).toEqual([stream[lastReset]]);
        // What it holds and what it gets, without the abandoned attempts, is the replay from 0.
        expect(finishedStreamReplay([...held, ...replay.chunks], 0).chunks).toEqual(fromZero);
        expect(validateUIStream([...held, ...replay.chunks])).toEqual([]);
        const shown = normalizeMessage((await assembleRaw([...held, ...replay.chunks]))!);
        expect(shown).toEqual(normalizeMessage((await assembleRaw(fromZero))!));
      }
    }
  });

  it('gives a reader starting after the last marker the stream as it is', () => {
    const lastReset = twoRetries.findLastIndex((chunk) => chunk.type === 'data-reset');
    for (let startIndex = lastReset + 1; startIndex < twoRetries.length; startIndex++) {
      expect(finishedStreamReplay(twoRetries.slice(startIndex), startIndex)).toEqual({ chunks: twoRetries.slice(startIndex), clean: false });
    }
  });
});
