import type { UIMessageChunk } from 'ai';
import { getWorkflowMetadata, getWritable } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import type { Logger } from '@/lib/observability/log';
import { getMetrics } from '@/lib/observability/metrics';
import { outcomeOf, type StreamEnding } from '@/lib/runs/run-ending';
import { recordStreamLength } from '@/lib/runs/run-table';
import { readClosedStream, streamTail, untilStreamEnds } from '@/lib/runs/stream-contents';
import { terminalChunks } from '@/lib/stream/terminal-chunks';
import { validateUIStream } from '@/lib/stream/validate-stream';

/**
 * Ends the run's stream, from inside the step that closes the turn: the terminal chunks, then
 * `close()`, without which readers would wait forever (the stream outlives the run).
 * Idempotent: a re-run after a crash finds `finish` already at the tail and only closes.
 */
export async function endRunStream(ending: StreamEnding, messageMetadata: unknown, log: Logger): Promise<void> {
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { config, db } = await getAppContext();
  const writable = getWritable<UIMessageChunk>();
  const tail = await streamTail(runId);
  let length = tail.length;
  if (tail.last?.type !== 'finish') {
    const chunks = terminalChunks(ending, messageMetadata);
    const writer = writable.getWriter();
    try {
      for (const chunk of chunks) await writer.write(chunk);
    } finally {
      writer.releaseLock();
    }
    length += chunks.length;
    // Counted where the terminal chunks are written: a re-run that finds them only closes.
    const status = outcomeOf(ending);
    getMetrics().runs.inc({ status });
    log.info({ status, billed: messageMetadata }, 'run ended');
  }
  await writable.close();
  // A step's writes are flushed in the background (every few milliseconds) and only awaited when
  // the step returns. The caller holds the run's close lease until they and the close are
  // readable, so a duplicate execution waiting for it finds `finish` at the tail instead of
  // writing another.
  if (!(await untilStreamEnds(runId, tail.length, 5_000))) log.warn({ length }, 'the end of the stream is not readable yet; releasing the close lease anyway');
  // Counted here, not asked of the world: this step's last writes may be in flight until it returns.
  await recordStreamLength(db, runId, length);
  // Off the run's critical path: the run ends now, the check reads the closed stream after.
  if (config.debugValidateStreams) void reportStreamViolations(runId, log);
}

/** The debug check (DEBUG_VALIDATE_STREAMS): validates the whole stream once it is closed. */
async function reportStreamViolations(runId: string, log: Logger): Promise<void> {
  try {
    const violations = validateUIStream(await readClosedStream(runId));
    if (violations.length > 0) log.error({ violations }, 'ui stream violations');
  } catch (error) {
    log.error({ err: error }, 'could not validate the run stream');
  }
}
