import type { UIMessageChunk } from 'ai';
import type { AppDatabase } from '../db/database';
import { readWholeStream } from '../runs/stream-contents';
import { hasAttempt, recordAttempt } from './ledger';
import { finishedStepUsageOf, stepUsagesOf } from './step-usage';
import { estimatedTokens } from './token-chunks';
import { addUsage, noUsage } from './usage';

/**
 * Per attempt that wrote to the stream (attempt 1 until the first reset marker, then each
 * marker's attempt), the tokens it streamed for the step it had in flight: those after its last
 * `finish-step`.
 * Its finished steps are on record with their exact usage; only the step cut short is estimated.
 */
function inFlightTokensPerAttempt(chunks: UIMessageChunk[]): Map<number, number> {
  const counts = new Map<number, number>();
  let attempt = 1;
  counts.set(attempt, 0);
  for (const chunk of chunks) {
    if (chunk.type === 'data-reset') {
      attempt = (chunk.data as { attempt: number }).attempt;
      counts.set(attempt, 0);
    } else if (chunk.type === 'finish-step') {
      counts.set(attempt, 0);
    } else {
      counts.set(attempt, (counts.get(attempt) ?? 0) + estimatedTokens(chunk));
    }
  }
  return counts;
}

/**
 * Records, for the cost-of-goods ledger, earlier attempts that died with their process and so
 * never recorded themselves: the usage of the steps they finished (on record) plus the step in
 * flight, estimated from the chunks the run's stream kept (`estimatedTokens`, input unknown).
 */
export async function recordCrashedAttempts(db: AppDatabase, runId: string, currentAttempt: number, modelId: string): Promise<void> {
  if (currentAttempt === 1) return;
  const [inFlight, steps] = await Promise.all([readWholeStream(runId).then(inFlightTokensPerAttempt), stepUsagesOf(db, runId)]);
  for (const [attempt, outputTokens] of inFlight) {
    if (attempt >= currentAttempt || (await hasAttempt(db, runId, attempt))) continue;
    const usage = addUsage(finishedStepUsageOf(steps, attempt), { ...noUsage, outputTokens });
    await recordAttempt(db, { runId, attempt, modelId, usage, outcome: 'crashed', source: 'estimated' });
  }
}
