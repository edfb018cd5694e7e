import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { hasAttempt, recordAttempt } from './ledger';
import { noUsage } from './usage';

async function readWholeStream(runId: string): Promise<UIMessageChunk[]> {
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
 * Streamed deltas of each attempt that wrote to the stream: attempt 1 until the first reset
 * marker, then each marker's attempt. Attempts that never wrote (a duplicate delivery that
 * found the reply taken) do not appear.
 */
function deltasPerAttempt(chunks: UIMessageChunk[]): Map<number, number> {
  const counts = new Map<number, number>();
  let attempt = 1;
  for (const chunk of chunks) {
    if (chunk.type === 'data-reset') attempt = (chunk.data as { attempt: number }).attempt;
    const deltas = chunk.type === 'text-delta' || chunk.type === 'reasoning-delta' ? 1 : 0;
    counts.set(attempt, (counts.get(attempt) ?? 0) + deltas);
  }
  return counts;
}

/**
 * Records, for the cost-of-goods ledger, earlier attempts that died with their process and so
 * never recorded themselves. What they consumed is read back from the run's stream, which kept
 * every chunk they wrote: an estimate (one token per delta, input unknown), marked as such.
 */
export async function recordCrashedAttempts(db: AppDatabase, runId: string, currentAttempt: number, modelId: string): Promise<void> {
  if (currentAttempt === 1) return;
  const deltas = deltasPerAttempt(await readWholeStream(runId));
  for (const [attempt, outputTokens] of deltas) {
    if (attempt >= currentAttempt || (await hasAttempt(db, runId, attempt))) continue;
    await recordAttempt(db, { runId, attempt, modelId, usage: { ...noUsage, outputTokens }, outcome: 'crashed', source: 'estimated' });
  }
}
