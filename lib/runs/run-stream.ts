import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { runLogger } from '../observability/log';
import { getMetrics } from '../observability/metrics';
import { finishedStreamReplay } from '../stream/clean-replay';
import { isThreadDeleted } from '../threads/deleted-threads';
import { stopReply } from './cancel-watch';
import { type ChatRun, closedStreamOf, findRun } from './run-table';
import { readToFinish, streamTail } from './stream-contents';
import { activeStatuses, recordedRunFacts, type WorldRunFacts, worldRunFacts } from './world-run';

export const runIdPattern = /^wrun_[0-9A-Za-z]{10,40}$/;

/** A run id from a URL; anything that cannot be a run id is simply a run that does not exist. */
export function parseRunId(raw: string): string {
  if (!runIdPattern.test(raw)) throw new AppError('not_found:run', `Run ${raw.slice(0, 64)} not found`);
  return raw;
}

export interface RunStream {
  readable: ReadableStream<UIMessageChunk>;
  /** Index of the last chunk written so far (-1 when none). */
  tailIndex: number;
  /** The replay of a finished stream without its abandoned attempts (see lib/stream/clean-replay.ts). */
  clean: boolean;
}

async function requireOwnRun(db: AppDatabase, userId: string, runId: string): Promise<ChatRun> {
  const run = await findRun(db, runId);
  // A deleted thread's runs are gone with it (their charges stay in the ledger).
  if (!run || run.userId !== userId || (await isThreadDeleted(db, run.threadId))) throw new AppError('not_found:run', `Run ${runId} not found`);
  return run;
}

export interface RunView {
  runId: string;
  threadId: string;
  status: WorldRunFacts['status'];
  createdAt: string;
  cancelRequestedAt: string | null;
}

function viewOf(run: ChatRun, status: WorldRunFacts['status']): RunView {
  return { runId: run.runId, threadId: run.threadId, status, createdAt: run.createdAt, cancelRequestedAt: run.cancelRequestedAt };
}

/** What the world says of the run's status, or what it said before the run's data was pruned. */
async function statusOf(run: ChatRun): Promise<WorldRunFacts['status']> {
  return (run.pruned ? recordedRunFacts(run.pruned) : await worldRunFacts(run.runId)).status;
}

export async function describeRun(db: AppDatabase, userId: string, runId: string): Promise<RunView> {
  const run = await requireOwnRun(db, userId, runId);
  return viewOf(run, await statusOf(run));
}

/**
 * A pruned run's stream is gone for good: its answer is in the thread's history, which the
 * client loads instead (410, so a client tells it from a run that never existed).
 */
export function assertStreamKept(run: ChatRun): void {
  if (!run.pruned) return;
  throw new AppError('gone:stream', `The stream of run ${run.runId} was removed after the retention period (on ${run.pruned.at}); its answer is kept in the thread's history`, {
    details: { threadId: run.threadId },
  });
}

/**
 * Stops the run's reply: the step aborts the model call (at once when it runs in this process,
 * else within a poll interval) and the stream ends with `abort` then `finish`. Stopping a run
 * that already ended changes nothing.
 */
export async function cancelRun(db: AppDatabase, userId: string, runId: string): Promise<RunView> {
  const run = await requireOwnRun(db, userId, runId);
  const status = await statusOf(run);
  if (!activeStatuses.has(status)) return viewOf(run, status);
  await stopReply(db, runId);
  // Re-read: the answer carries the recorded Stop and the status it has led to so far.
  return describeRun(db, userId, runId);
}

function pastTheEnd(startIndex: number, tailIndex: number): AppError {
  return new AppError('bad_request:start_index', `startIndex ${startIndex} is past the end of this run's stream, which ended with ${tailIndex + 1} chunks`, {
    details: { tailIndex },
  });
}

/** A finished stream's chunks, read at once: nothing follows its `finish`. */
async function finishedRunStream(runId: string, startIndex: number): Promise<RunStream> {
  const stream = getRun(runId).getReadable<UIMessageChunk>({ startIndex });
  // Counted now that `finish` has been seen, so it counts that chunk too.
  const tailIndex = await stream.getTailIndex();
  if (startIndex > tailIndex) {
    await stream.cancel();
    throw pastTheEnd(startIndex, tailIndex);
  }
  const { chunks, clean } = finishedStreamReplay(await readToFinish(stream), startIndex);
  const readable = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return { readable, tailIndex, clean };
}

/**
 * A closed stream no retry touched, served as the world reads it: its length is recorded, so
 * nothing is asked of the world before the first chunk goes out.
 */
function recordedRunStream(runId: string, startIndex: number, length: number): RunStream {
  if (startIndex > length - 1) throw pastTheEnd(startIndex, length - 1);
  return { readable: getRun(runId).getReadable<UIMessageChunk>({ startIndex }), tailIndex: length - 1, clean: false };
}

async function liveRunStream(runId: string, startIndex: number): Promise<RunStream> {
  const readable = getRun(runId).getReadable<UIMessageChunk>({ startIndex });
  const tailIndex = await readable.getTailIndex();
  // A reader's next index is at most one past the last chunk written.
  if (startIndex > tailIndex + 1) {
    await readable.cancel();
    throw pastTheEnd(startIndex, tailIndex);
  }
  // One past it, the reader waits for the next chunk, unless that was a `finish` written since
  // the stream was found open: nothing follows it, and the reader would wait forever.
  if (startIndex === tailIndex + 1 && (await streamTail(runId)).last?.type === 'finish') {
    await readable.cancel();
    return finishedRunStream(runId, startIndex);
  }
  return { readable, tailIndex, clean: false };
}

/**
 * The run's stream from `startIndex` on. Only the run's owner may read it; anyone else gets the
 * same 404 as for a run that does not exist.
 *
 * A closed stream (its length recorded by the closing step) has no reconnect after its read, so a
 * reader starting at or before the last reset marker of a retried run is served the reply without
 * the attempts the retry abandoned (`clean`, see lib/stream/clean-replay.ts); one no retry touched
 * is served as written, at once. An open stream is served live and as written, chunk for chunk:
 * its readers resume by index. In the moment between a `finish` and its closing step recording
 * the length, a reader gets the stream as written, markers included, as a live reader does.
 */
export async function openRunStream(db: AppDatabase, userId: string, runId: string, startIndex: number): Promise<RunStream> {
  const run = await requireOwnRun(db, userId, runId);
  assertStreamKept(run);
  const closed = await closedStreamOf(db, runId);
  const stream = !closed ? await liveRunStream(runId, startIndex) : closed.retried ? await finishedRunStream(runId, startIndex) : recordedRunStream(runId, startIndex, closed.length);
  getMetrics().resumes.inc();
  runLogger({ runId, threadId: run.threadId, userId }).info({ startIndex, tailIndex: stream.tailIndex, clean: stream.clean }, 'stream resumed');
  return stream;
}
