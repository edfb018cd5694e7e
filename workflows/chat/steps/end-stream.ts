import type { UIMessageChunk } from 'ai';
import { getWorkflowMetadata, getWritable } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { findRun, recordStreamLength } from '@/lib/chat/runs';
import { readClosedStream, streamTail } from '@/lib/chat/stream-contents';
import { outcomeOf, type StreamEnding } from '@/lib/chat/turn';
import { validateUIStream } from '@/lib/chat/validate-stream';
import { terminalChunks } from '@/lib/chat/terminal-chunks';
import { markProgress } from '@/lib/recovery/progress';
import type { Logger } from '@/lib/observability/log';
import { getMetrics } from '@/lib/observability/metrics';
import { stepLogger } from '@/lib/observability/step-log';
import { stepRetries } from '@/lib/recovery/step-retries';

/**
 * Ends the run's stream on every path: the terminal chunks, then `close()`, without which
 * readers would wait forever (the stream outlives the run). Idempotent: a re-run after a crash
 * finds `finish` already at the tail and only closes.
 */
export async function endStream(ending: StreamEnding, messageMetadata?: unknown): Promise<void> {
  'use step';
  const { workflowRunId } = getWorkflowMetadata();
  const { config, db } = await getAppContext();
  await markProgress(db, workflowRunId);
  // The step's arguments stay as they were (runs in flight keep working across a deploy): the
  // run's thread and user for the log come from its record.
  const run = await findRun(db, workflowRunId);
  const log = stepLogger({ threadId: run?.threadId, userId: run?.userId });
  const writable = getWritable<UIMessageChunk>();
  const tail = await streamTail(workflowRunId);
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
  // Counted here, not asked of the world: this step's last writes may be in flight until it returns.
  await recordStreamLength(db, workflowRunId, length);
  // Off the run's critical path: the run ends now, the check reads the closed stream after.
  if (config.debugValidateStreams) void reportStreamViolations(workflowRunId, log);
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

endStream.maxRetries = stepRetries;
