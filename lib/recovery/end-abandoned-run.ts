import { getExternalReducers, getSerializeStream, WorkflowServerWritableStream } from '@workflow/core/serialization';
import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';
import { chargeRun } from '../billing/charge-run';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { getLogger } from '../observability/log';
import { getMetrics } from '../observability/metrics';
import { findRun, recordStreamLength } from '../runs/run-table';
import { streamTail } from '../runs/stream-contents';
import { activeStatuses, runStreamName, worldRunFacts } from '../runs/world-run';
import { terminalChunks } from '../stream/terminal-chunks';
import { withRunCloseLease } from './close-lease';

/**
 * Appends chunks to a run's stream from outside the run and closes it, encoded exactly as a
 * step's `getWritable()` encodes them, so every reader decodes them like the run's own.
 */
async function writeAndClose(runId: string, chunks: UIMessageChunk[]): Promise<void> {
  const ops: Promise<void>[] = [];
  const serialize = getSerializeStream(getExternalReducers(globalThis, ops, runId, undefined, true), undefined);
  const piped = serialize.readable.pipeTo(new WorkflowServerWritableStream(runStreamName(runId), runId));
  const writer = serialize.writable.getWriter();
  for (const chunk of chunks) await writer.write(chunk);
  await writer.close();
  await piped;
  await Promise.all(ops);
}

/**
 * Ends a run that cannot be resumed, so no reader waits on it forever: the run is cancelled in
 * the world (a late delivery of one of its steps then does nothing), its stream gets `error`
 * and `finish` and is closed, and its charge is settled as failed (nothing charged; what its
 * attempts consumed stays in the cost ledger). Each write is idempotent, so two instances
 * ending the same run, or a crash halfway, leave one ending.
 */
export async function endAbandonedRun(db: AppDatabase, config: AppConfig, runId: string, reason: string): Promise<void> {
  const run = await findRun(db, runId);
  if (!run) return;
  const log = getLogger().child({ runId, threadId: run.threadId, userId: run.userId });
  await withRunCloseLease({ db, config }, runId, async () => {
    if (activeStatuses.has((await worldRunFacts(runId)).status)) await getRun(runId).cancel();
    const tail = await streamTail(runId);
    // A `finish` already at the tail was written by the closing step, which died before closing.
    const chunks = tail.last?.type === 'finish' ? [] : terminalChunks({ kind: 'failed', errorText: reason });
    await writeAndClose(runId, chunks);
    if (chunks.length > 0) getMetrics().runs.inc({ status: 'failed' });
    await chargeRun(db, config, run, { kind: 'failed' });
    await recordStreamLength(db, runId, tail.length + chunks.length);
  });
  log.error({ reason }, 'run abandoned');
}
