import type { Memory } from '@mastra/memory';
import type { AppDatabase } from '../db/database';
import { type RunPageQuery, type RunRow, runRows } from './run-rows';
import { recordStreamLength } from './run-table';
import { streamTail } from './stream-contents';
import { activeStatuses, recordedRunFacts, type WorldRunFacts, worldRunFacts } from './world-run';

export interface RunSummary {
  runId: string;
  threadId: string;
  /** The thread's title; null when the thread is gone from memory. */
  threadTitle: string | null;
  /** The workflow world's status. A stopped turn ends `completed`: see `stopped`. */
  status: WorldRunFacts['status'];
  /** Still answering or queued: the page keeps refreshing while any run is. */
  active: boolean;
  /** The reply was cut short by a Stop (or by a newer message under the interrupt policy). */
  stopped: boolean;
  stopRequestedAt: string | null;
  startedAt: string;
  endedAt: string | null;
  /** Until the run ended, or until now while it is still going. */
  durationMs: number;
  /** Chunks in the run's durable stream (what a replay from index 0 returns). */
  chunks: number;
  /** Attempts of the reply the ledger recorded: retried, crashed and the final one. */
  attempts: number;
  /** What the run was charged; null until it is (the charge is written as the run ends). */
  charge: RunRow['charge'];
}

export interface RunPage {
  runs: RunSummary[];
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: string | null;
}

/**
 * A closed stream's length is recorded when the run ends; only a run that is still going (or
 * ended before lengths were recorded, filled in now once) is counted in the world.
 */
async function chunksOf(context: { db: AppDatabase }, row: RunRow, facts: WorldRunFacts): Promise<number> {
  if (row.streamChunks !== null) return row.streamChunks;
  if (facts.status === 'unknown') return 0;
  const { length } = await streamTail(row.runId);
  if (!activeStatuses.has(facts.status)) await recordStreamLength(context.db, row.runId, length);
  return length;
}

async function threadTitles(context: { memory: Memory }, threadIds: Iterable<string>): Promise<Map<string, string | null>> {
  const titles = await Promise.all([...new Set(threadIds)].map(async (threadId) => [threadId, (await context.memory.getThreadById({ threadId }))?.title ?? null] as const));
  return new Map(titles);
}

/**
 * The user's recent runs, newest first, joined with what the workflow world says about each
 * (or, for a pruned run, what it said before its data was removed).
 */
export async function listRuns(context: { db: AppDatabase; memory: Memory }, userId: string, query: RunPageQuery, now = new Date()): Promise<RunPage> {
  const rows = await runRows(context.db, userId, query);
  const [titles, runs] = await Promise.all([
    threadTitles(
      context,
      rows.map((row) => row.threadId),
    ),
    Promise.all(rows.map(async (row) => ({ row, facts: row.pruned ? recordedRunFacts(row.pruned) : await worldRunFacts(row.runId) }))),
  ]);
  const summaries = await Promise.all(
    runs.map(async ({ row, facts }): Promise<RunSummary> => {
      const startedAt = facts.createdAt ?? new Date(row.createdAt);
      const endedAt = facts.completedAt ?? null;
      return {
        runId: row.runId,
        threadId: row.threadId,
        threadTitle: titles.get(row.threadId) ?? null,
        status: facts.status,
        active: activeStatuses.has(facts.status),
        stopped: row.charge?.outcome === 'aborted',
        stopRequestedAt: row.cancelRequestedAt,
        startedAt: startedAt.toISOString(),
        endedAt: endedAt?.toISOString() ?? null,
        durationMs: Math.max(0, (endedAt ?? now).getTime() - startedAt.getTime()),
        chunks: await chunksOf(context, row, facts),
        attempts: row.attempts,
        charge: row.charge,
      };
    }),
  );
  return { runs: summaries, nextBefore: rows.length === query.limit ? (rows.at(-1)?.runId ?? null) : null };
}
