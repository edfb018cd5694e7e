import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { runLogger } from '../observability/log';
import { getMetrics } from '../observability/metrics';
import { activeStatuses } from './active-run';
import { stopReplyStreamingHere } from './cancel-watch';
import { type ChatRun, findRun, requestCancel } from './runs';

const runIdPattern = /^wrun_[0-9A-Za-z]{10,40}$/;

/** A run id from a URL; anything that cannot be a run id is simply a run that does not exist. */
export function parseRunId(raw: string): string {
  if (!runIdPattern.test(raw)) throw new AppError('not_found:run', `Run ${raw.slice(0, 64)} not found`);
  return raw;
}

export interface RunStream {
  readable: ReadableStream<UIMessageChunk>;
  /** Index of the last chunk written so far (-1 when none). */
  tailIndex: number;
}

async function requireOwnRun(db: AppDatabase, userId: string, runId: string): Promise<ChatRun> {
  const run = await findRun(db, runId);
  if (!run || run.userId !== userId) throw new AppError('not_found:run', `Run ${runId} not found`);
  return run;
}

export type WorkflowRunStatus = Awaited<ReturnType<typeof getRun>['status']>;

export interface RunView {
  runId: string;
  threadId: string;
  status: WorkflowRunStatus;
  createdAt: string;
  cancelRequestedAt: string | null;
}

export async function describeRun(db: AppDatabase, userId: string, runId: string): Promise<RunView> {
  const run = await requireOwnRun(db, userId, runId);
  return {
    runId,
    threadId: run.threadId,
    status: await getRun(runId).status,
    createdAt: run.createdAt,
    cancelRequestedAt: run.cancelRequestedAt,
  };
}

/**
 * Stops the run's reply: the step aborts the model call (at once when it runs in this process,
 * else within a poll interval) and the stream ends with `abort` then `finish`. Stopping a run
 * that already ended changes nothing.
 */
export async function cancelRun(db: AppDatabase, userId: string, runId: string): Promise<RunView> {
  await requireOwnRun(db, userId, runId);
  if (activeStatuses.has(await getRun(runId).status)) {
    await requestCancel(db, runId);
    stopReplyStreamingHere(runId);
  }
  return describeRun(db, userId, runId);
}

/**
 * The run's durable stream from `startIndex` on, live until the run ends it. Only the run's
 * owner may read it; anyone else gets the same 404 as for a run that does not exist.
 */
export async function openRunStream(db: AppDatabase, userId: string, runId: string, startIndex: number): Promise<RunStream> {
  const run = await requireOwnRun(db, userId, runId);
  const readable = getRun(runId).getReadable<UIMessageChunk>({ startIndex });
  const tailIndex = await readable.getTailIndex();
  getMetrics().resumes.inc();
  runLogger({ runId, threadId: run.threadId, userId }).info({ startIndex, tailIndex }, 'stream resumed');
  return { readable, tailIndex };
}
