import type { AppDatabase } from '../db/database';

/** A run old enough to be pruned, as the app's runs table knows it. */
export interface PruneCandidate {
  runId: string;
  createdAt: string;
  streamChunks: number | null;
  /** Set when an earlier pass recorded the world's facts and was cut short before marking. */
  recorded: RecordedRunFacts | null;
}

/** What the world knew of a run when its data was removed: the runs page shows it from then on. */
export interface RecordedRunFacts {
  status: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface CandidateCursor {
  createdAt: string;
  runId: string;
}

/** Runs started before `cutoff` and not pruned yet, oldest first, after `cursor`. */
export async function pruneCandidates(db: AppDatabase, cutoff: Date, cursor: CandidateCursor | undefined, limit: number): Promise<PruneCandidate[]> {
  let select = db
    .selectFrom('chat_runs')
    .select(['run_id', 'created_at', 'stream_chunks', 'final_status', 'started_at', 'ended_at'])
    .where('pruned_at', 'is', null)
    .where('created_at', '<', cutoff.toISOString());
  if (cursor) {
    select = select.where((eb) => eb.or([eb('created_at', '>', cursor.createdAt), eb.and([eb('created_at', '=', cursor.createdAt), eb('run_id', '>', cursor.runId)])]));
  }
  const rows = await select.orderBy('created_at').orderBy('run_id').limit(limit).execute();
  return rows.map((row) => ({
    runId: row.run_id,
    createdAt: row.created_at,
    streamChunks: row.stream_chunks === null ? null : Number(row.stream_chunks),
    recorded: row.final_status === null ? null : { status: row.final_status, startedAt: row.started_at, endedAt: row.ended_at },
  }));
}

/** Keeps what the runs page needs of a run before the world forgets it. */
export async function recordRunFacts(db: AppDatabase, runId: string, facts: RecordedRunFacts, streamChunks: number): Promise<void> {
  await db
    .updateTable('chat_runs')
    .set({ final_status: facts.status, started_at: facts.startedAt, ended_at: facts.endedAt, stream_chunks: streamChunks })
    .where('run_id', '=', runId)
    .where('pruned_at', 'is', null)
    .execute();
}

/** Marks the run pruned; true for the one call that did, false when it already was. */
export async function markPruned(db: AppDatabase, runId: string, at: Date): Promise<boolean> {
  const result = await db.updateTable('chat_runs').set({ pruned_at: at.toISOString() }).where('run_id', '=', runId).where('pruned_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
