import type { Selectable } from 'kysely';
import type { AppDatabase } from '../db/database';
import type { ChatRunTable } from '../db/schema';

export type ChatRun = {
  runId: string;
  threadId: string;
  userId: string;
  userMessageId: string;
  createdAt: string;
  cancelRequestedAt: string | null;
  waitsForRunId: string | null;
  /** Set once the run's stream and workflow data were removed after the retention period. */
  pruned: PrunedRun | null;
  /** A regenerate or an edit: the run whose answer this one replaces. */
  replacesRunId: string | null;
  /** sha-256 of the user message's parts as this turn sent them (null before 0011_versions). */
  messageDigest: string | null;
};

/** What is left of a pruned run beyond its row: the world's facts, recorded before removal. */
export interface PrunedRun {
  at: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
}

export function prunedOf(row: Pick<ChatRunTable, 'pruned_at' | 'final_status' | 'started_at' | 'ended_at'>): PrunedRun | null {
  if (row.pruned_at === null) return null;
  return { at: row.pruned_at, status: row.final_status ?? 'unknown', startedAt: row.started_at, endedAt: row.ended_at };
}

function fromRow(row: Selectable<ChatRunTable>): ChatRun {
  return {
    runId: row.run_id,
    threadId: row.thread_id,
    userId: row.user_id,
    userMessageId: row.user_message_id,
    createdAt: row.created_at,
    cancelRequestedAt: row.cancel_requested_at,
    waitsForRunId: row.waits_for_run_id,
    pruned: prunedOf(row),
    replacesRunId: row.replaces_run_id ?? null,
    messageDigest: row.message_digest ?? null,
  };
}

export async function recordRun(db: AppDatabase, run: Omit<ChatRun, 'cancelRequestedAt' | 'pruned'>): Promise<void> {
  await db
    .insertInto('chat_runs')
    .values({
      run_id: run.runId,
      thread_id: run.threadId,
      user_id: run.userId,
      user_message_id: run.userMessageId,
      created_at: run.createdAt,
      cancel_requested_at: null,
      waits_for_run_id: run.waitsForRunId,
      replaces_run_id: run.replacesRunId,
      message_digest: run.messageDigest,
      reply_outcome: null,
      progress_at: Date.now(),
      stalls: 0,
    })
    .onConflict((conflict) => conflict.column('run_id').doNothing())
    .execute();
}

export async function findRun(db: AppDatabase, runId: string): Promise<ChatRun | undefined> {
  const row = await db.selectFrom('chat_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row && fromRow(row);
}

/**
 * The runs that answered a user message, newest first: the first turn, then one per regenerate
 * or edit. The newest is the one whose answer the thread shows.
 */
export async function runsOfMessage(db: AppDatabase, userMessageId: string, limit = 100): Promise<ChatRun[]> {
  const rows = await db.selectFrom('chat_runs').selectAll().where('user_message_id', '=', userMessageId).orderBy('created_at', 'desc').orderBy('run_id', 'desc').limit(limit).execute();
  return rows.map(fromRow);
}

/** The thread's newest runs, newest first. Active runs (answering or queued) are always the newest. */
export async function recentRunsOfThread(db: AppDatabase, threadId: string, limit = 20): Promise<ChatRun[]> {
  const rows = await db.selectFrom('chat_runs').selectAll().where('thread_id', '=', threadId).orderBy('created_at', 'desc').orderBy('run_id', 'desc').limit(limit).execute();
  return rows.map(fromRow);
}

/** Marks the run for cancellation; the first request wins, later ones change nothing. */
export async function requestCancel(db: AppDatabase, runId: string, at: Date = new Date()): Promise<void> {
  await db.updateTable('chat_runs').set({ cancel_requested_at: at.toISOString() }).where('run_id', '=', runId).where('cancel_requested_at', 'is', null).execute();
}

export async function isCancelRequested(db: AppDatabase, runId: string): Promise<boolean> {
  const row = await db.selectFrom('chat_runs').select('cancel_requested_at').where('run_id', '=', runId).executeTakeFirst();
  return Boolean(row?.cancel_requested_at);
}

/** The reply step's recorded result, if it already finished once. */
export async function recordedReply<T>(db: AppDatabase, runId: string): Promise<T | undefined> {
  const row = await db.selectFrom('chat_runs').select('reply_outcome').where('run_id', '=', runId).executeTakeFirst();
  return row?.reply_outcome ? (JSON.parse(row.reply_outcome) as T) : undefined;
}

/** Records the reply step's result once; a later duplicate keeps the first. */
export async function recordReply(db: AppDatabase, runId: string, outcome: unknown): Promise<void> {
  await db
    .updateTable('chat_runs')
    .set({ reply_outcome: JSON.stringify(outcome) })
    .where('run_id', '=', runId)
    .where('reply_outcome', 'is', null)
    .execute();
}

/**
 * What was recorded of a run's stream when it closed: its length, and whether a retry may have
 * abandoned an attempt in it (only attempts after the first write a reset marker; a run whose
 * reply was never recorded failed, after retries). Undefined while the stream is open.
 */
export async function closedStreamOf(db: AppDatabase, runId: string): Promise<{ length: number; retried: boolean } | undefined> {
  const row = await db.selectFrom('chat_runs').select(['stream_chunks', 'reply_outcome']).where('run_id', '=', runId).executeTakeFirst();
  if (row?.stream_chunks === null || row?.stream_chunks === undefined) return undefined;
  const attempt = row.reply_outcome ? (JSON.parse(row.reply_outcome) as { attempt?: unknown }).attempt : undefined;
  return { length: Number(row.stream_chunks), retried: attempt !== 1 };
}

/**
 * Records the length of a run's closed stream, so listing runs never has to ask the world for
 * it (the local world lists every chunk file to answer). A re-run of the closing step records
 * the same number.
 */
export async function recordStreamLength(db: AppDatabase, runId: string, length: number): Promise<void> {
  await db.updateTable('chat_runs').set({ stream_chunks: length }).where('run_id', '=', runId).execute();
}
