import { setTimeout as sleep } from 'node:timers/promises';
import type { UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { assembleRaw } from '../../test/support/chat-client';
import { coalesceWindowMs, DeltaCoalescer } from './delta-coalescer';

const words = ['Hel', 'lo', ' wor', 'ld', ' again'];
const turn: UIMessageChunk[] = [
  { type: 'start', messageId: 'm' },
  { type: 'start-step' },
  { type: 'text-start', id: 'a' },
  ...words.map((delta): UIMessageChunk => ({ type: 'text-delta', id: 'a', delta })),
  { type: 'text-end', id: 'a' },
  { type: 'tool-input-start', toolCallId: 'c', toolName: 'weather' },
  { type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: '{"city":' },
  { type: 'tool-input-delta', toolCallId: 'c', inputTextDelta: '"Lisbon"}' },
  { type: 'tool-input-available', toolCallId: 'c', toolName: 'weather', input: { city: 'Lisbon' } },
  { type: 'finish-step' },
];

/** A sink like the durable stream: one write at a time, each taking `writeMs`. */
function slowSink(writeMs: number) {
  const written: UIMessageChunk[] = [];
  let busy = false;
  const write = async (chunk: UIMessageChunk) => {
    if (busy) throw new Error('overlapping writes');
    busy = true;
    await sleep(writeMs);
    written.push(chunk);
    busy = false;
  };
  return { written, write };
}

describe('delta coalescer', () => {
  it('merges the deltas that pile up behind a slow write; the message assembles the same', async () => {
    const sink = slowSink(10);
    const coalescer = new DeltaCoalescer(sink.write);
    for (const chunk of turn) await coalescer.push(chunk);
    await coalescer.flush();
    expect(sink.written.length).toBeLessThan(turn.length);
    expect(
      sink.written
        .filter((chunk) => chunk.type === 'text-delta')
        .map((chunk) => (chunk as { delta: string }).delta)
        .join(''),
    ).toBe(words.join(''));
    expect(await assembleRaw([...sink.written, { type: 'finish' }])).toEqual(await assembleRaw([...turn, { type: 'finish' }]));
  });

  it('writes each delta on its own when they arrive slower than the writes', async () => {
    const sink = slowSink(1);
    const coalescer = new DeltaCoalescer(sink.write);
    for (const chunk of turn) {
      await coalescer.push(chunk);
      await sleep(8);
    }
    await coalescer.flush();
    expect(sink.written).toEqual(turn);
  });

  it('writes the first delta of a part at once and merges the next ones it holds', async () => {
    const sink = slowSink(0);
    const coalescer = new DeltaCoalescer(sink.write, () => 10_000);
    await coalescer.push({ type: 'text-delta', id: 'a', delta: 'Hi' });
    while (sink.written.length < 1) await sleep(1);
    await coalescer.push({ type: 'text-delta', id: 'a', delta: ' there' });
    await coalescer.push({ type: 'text-delta', id: 'a', delta: ' you' });
    // The next part's first delta goes out at once, after the held ones of the part before it:
    // merged into one, so they were held rather than written as they came.
    await coalescer.push({ type: 'text-delta', id: 'b', delta: 'Next' });
    while (sink.written.length < 3) await sleep(1);
    expect(sink.written).toEqual([
      { type: 'text-delta', id: 'a', delta: 'Hi' },
      { type: 'text-delta', id: 'a', delta: ' there you' },
      { type: 'text-delta', id: 'b', delta: 'Next' },
    ]);
  });

  it('releases a held delta when its window ends', async () => {
    const sink = slowSink(0);
    const coalescer = new DeltaCoalescer(sink.write, () => 30);
    await coalescer.push({ type: 'text-delta', id: 'a', delta: 'Hi' });
    await coalescer.push({ type: 'text-delta', id: 'a', delta: ' there' });
    await coalescer.push({ type: 'text-delta', id: 'a', delta: ' you' });
    while (sink.written.length < 2) await sleep(5);
    expect(sink.written).toEqual([
      { type: 'text-delta', id: 'a', delta: 'Hi' },
      { type: 'text-delta', id: 'a', delta: ' there you' },
    ]);
  });

  it('holds nothing in a quiet process and the whole window in a busy one', () => {
    expect(coalesceWindowMs(100, 1)).toBe(0);
    expect(coalesceWindowMs(100, 8)).toBe(0);
    expect(coalesceWindowMs(100, 36)).toBe(50);
    expect(coalesceWindowMs(100, 64)).toBe(100);
    expect(coalesceWindowMs(100, 400)).toBe(100);
    expect(coalesceWindowMs(0, 400)).toBe(0);
  });

  it('surfaces a failed write to the next push', async () => {
    const coalescer = new DeltaCoalescer(async () => {
      throw new Error('disk full');
    });
    await coalescer.push({ type: 'start-step' });
    await sleep(1);
    await expect(coalescer.push({ type: 'finish-step' })).rejects.toThrow('disk full');
  });
});
