import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';

/** Every chunk the run's stream holds so far, without waiting for more (the stream may be open). */
export async function readWholeStream(runId: string): Promise<UIMessageChunk[]> {
  const readable = getRun(runId).getReadable<UIMessageChunk>({ startIndex: 0 });
  const tail = await readable.getTailIndex();
  const reader = readable.getReader();
  const chunks: UIMessageChunk[] = [];
  try {
    while (chunks.length <= tail) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } finally {
    await reader.cancel();
  }
  return chunks;
}

/**
 * The chunks of a readable up to its `finish`, for a stream known to hold one: nothing follows
 * it, and the stream may not be closed yet. Read to that chunk, not to a tail index: one counted
 * while the `finish` was being written does not count it.
 */
export async function readToFinish(readable: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const reader = readable.getReader();
  const chunks: UIMessageChunk[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      if (value.type === 'finish') break;
    }
  } finally {
    await reader.cancel();
  }
  return chunks;
}

/** Every chunk of a run's stream that has been closed, read to its end. */
export async function readClosedStream(runId: string): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of getRun(runId).getReadable<UIMessageChunk>({ startIndex: 0 })) chunks.push(chunk);
  return chunks;
}

/**
 * Waits until the run's stream is closed and readable to its end, reading from `fromIndex`: a
 * live reader hears each write and the close as they land (in-process events on the local
 * world, notifications on Postgres), where asking for the tail again and again would list the
 * whole chunk directory each time. False when `timeoutMs` passes first.
 */
export async function untilStreamEnds(runId: string, fromIndex: number, timeoutMs: number): Promise<boolean> {
  const reader = getRun(runId).getReadable<UIMessageChunk>({ startIndex: fromIndex }).getReader();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ended = (async () => {
    while (!(await reader.read()).done);
    return true;
  })();
  try {
    return await Promise.race([ended, timedOut]);
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
    ended.catch(() => undefined);
  }
}

/** How many chunks the run's stream holds now and the last of them (the closing step's check). */
export async function streamTail(runId: string): Promise<{ length: number; last: UIMessageChunk | undefined }> {
  const readable = getRun(runId).getReadable<UIMessageChunk>({ startIndex: -1 });
  const length = (await readable.getTailIndex()) + 1;
  // An empty stream has nothing to read and, still open, would block the read forever.
  if (length === 0) {
    await readable.cancel();
    return { length, last: undefined };
  }
  const reader = readable.getReader();
  try {
    return { length, last: (await reader.read()).value };
  } finally {
    await reader.cancel();
  }
}
