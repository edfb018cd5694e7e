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

/** Every chunk of a run's stream that has been closed, read to its end. */
export async function readClosedStream(runId: string): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of getRun(runId).getReadable<UIMessageChunk>({ startIndex: 0 })) chunks.push(chunk);
  return chunks;
}
