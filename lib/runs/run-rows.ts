import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import type { RunOutcome } from './run-ending';
import { type PrunedRun, prunedOf } from './run-table';

/** What the app's own tables know about a run: the turn, its charge and its attempts. */
export interface RunRow {
  runId: string;
  threadId: string;
  createdAt: string;
  cancelRequestedAt: string | null;
  streamChunks: number | null;
  /** Set once the run's world data was removed after the retention period. */
  pruned: PrunedRun | null;
  charge: { outcome: RunOutcome; modelId: string; inputTokens: number; outputTokens: number; costMicros: number } | null;
  /** The highest attempt the ledger recorded (failed, crashed and final ones); 0 before any. */
  attempts: number;
}

export interface RunPageQuery {
  limit: number;
  /** A run id from the previous page: only runs older than it. */
  before?: string;
}

/** Where a page that continues after `before` starts; someone else's run is no cursor. */
async function cursorOf(db: AppDatabase, userId: string, before: string) {
  const cursor = await db.selectFrom('chat_runs').select(['created_at', 'run_id']).where('run_id', '=', before).where('user_id', '=', userId).executeTakeFirst();
  if (!cursor) throw new AppError('bad_request:before', '`before` must be the id of one of your runs');
  return cursor;
}

/** The user's runs, newest first, each with its charge and attempt count, in one query. */
export async function runRows(db: AppDatabase, userId: string, query: RunPageQuery): Promise<RunRow[]> {
  const cursor = query.before === undefined ? undefined : await cursorOf(db, userId, query.before);
  let select = db
    .selectFrom('chat_runs as run')
    .leftJoin('billing_charges as charge', 'charge.run_id', 'run.run_id')
    .select((eb) => [
      'run.run_id',
      'run.thread_id',
      'run.created_at',
      'run.cancel_requested_at',
      'run.stream_chunks',
      'run.pruned_at',
      'run.final_status',
      'run.started_at',
      'run.ended_at',
      'charge.outcome',
      'charge.model_id',
      'charge.input_tokens',
      'charge.output_tokens',
      'charge.cost_micros',
      eb
        .selectFrom('billing_attempts as attempt')
        .select((inner) => inner.fn.max('attempt.attempt').as('highest'))
        .whereRef('attempt.run_id', '=', 'run.run_id')
        .as('attempts'),
    ])
    .where('run.user_id', '=', userId);
  if (cursor) {
    select = select.where((eb) => eb.or([eb('run.created_at', '<', cursor.created_at), eb.and([eb('run.created_at', '=', cursor.created_at), eb('run.run_id', '<', cursor.run_id)])]));
  }
  const rows = await select.orderBy('run.created_at', 'desc').orderBy('run.run_id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({
    runId: row.run_id,
    threadId: row.thread_id,
    createdAt: row.created_at,
    cancelRequestedAt: row.cancel_requested_at,
    streamChunks: row.stream_chunks === null ? null : Number(row.stream_chunks),
    pruned: prunedOf(row),
    charge:
      row.outcome && row.model_id
        ? { outcome: row.outcome, modelId: row.model_id, inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), costMicros: Number(row.cost_micros) }
        : null,
    attempts: Number(row.attempts ?? 0),
  }));
}
