import type { UIMessageChunk } from 'ai';
import { getRun } from 'workflow/api';
import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { findRun } from './runs';

export const runIdPattern = /^wrun_[0-9A-Za-z]{10,40}$/;

export interface RunStream {
  readable: ReadableStream<UIMessageChunk>;
  /** Index of the last chunk written so far (-1 when none). */
  tailIndex: number;
}

/**
 * The run's durable stream from `startIndex` on, live until the run ends it. Only the run's
 * owner may read it; anyone else gets the same 404 as for a run that does not exist.
 */
export async function openRunStream(db: AppDatabase, userId: string, runId: string, startIndex: number): Promise<RunStream> {
  const run = await findRun(db, runId);
  if (!run || run.userId !== userId) throw new AppError('not_found:run', `Run ${runId} not found`);
  const readable = getRun(runId).getReadable<UIMessageChunk>({ startIndex });
  return { readable, tailIndex: await readable.getTailIndex() };
}
